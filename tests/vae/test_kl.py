import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.vae import gaussian_kl


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 5), d=st.integers(1, 6), seed=st.integers(0, 10_000))
def test_gaussian_kl_equals_torch_distributions(n, d, seed):
    g = torch.Generator().manual_seed(seed)
    mu = torch.randn(n, d, generator=g, dtype=torch.float64)
    logvar = torch.randn(n, d, generator=g, dtype=torch.float64)
    q = torch.distributions.Normal(mu, (0.5 * logvar).exp())
    p = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu))
    expected = torch.distributions.kl_divergence(q, p).sum(1)
    torch.testing.assert_close(gaussian_kl(mu, logvar), expected)


def test_gaussian_kl_is_zero_only_at_the_prior():
    zeros = torch.zeros(3, 4)
    assert torch.equal(gaussian_kl(zeros, zeros), torch.zeros(3))
    assert (gaussian_kl(zeros + 0.1, zeros) > 0).all()


@pytest.mark.parametrize("mu, logvar, message", [
    (torch.zeros(4), torch.zeros(4), r"\(N, D\)"),
    (torch.zeros(2, 3), torch.zeros(2, 4), "same shape"),
    (torch.zeros(2, 3, dtype=torch.int64), torch.zeros(2, 3), "floating-point"),
])
def test_gaussian_kl_names_bad_input(mu, logvar, message):
    with pytest.raises((ValueError, TypeError), match=message):
        gaussian_kl(mu, logvar)
