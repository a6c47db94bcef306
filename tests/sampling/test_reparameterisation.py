import math

import pytest
import torch
from hypothesis import given, settings, strategies as st

from dlbook import check
from dlbook.sampling import normal_rsample


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=0, max_size=3), st.integers(0, 999))
def test_sample_is_mean_plus_scaled_noise_with_its_gradients(shape, seed):
    mean = torch.randn(shape, dtype=torch.float64, requires_grad=True)
    log_var = torch.randn(shape, dtype=torch.float64, requires_grad=True)
    z = normal_rsample(mean, log_var, generator=torch.Generator().manual_seed(seed))
    eps = torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    check.close(z, mean + (log_var / 2).exp() * eps, atol=1e-14)
    w = torch.randn(shape, dtype=torch.float64)
    g_mean, g_log_var = torch.autograd.grad((z * w).sum(), [mean, log_var])
    check.close(g_mean, w, atol=1e-14)
    check.close(g_log_var, w * 0.5 * (log_var / 2).exp() * eps, atol=1e-14)


def test_samples_have_the_asked_mean_and_variance():
    n = 200_000
    mean, log_var = torch.full((n,), 1.5, dtype=torch.float64), torch.full((n,), math.log(4.0), dtype=torch.float64)
    z = normal_rsample(mean, log_var, generator=torch.Generator().manual_seed(0))
    assert abs(z.mean().item() - 1.5) < 5 * math.sqrt(4.0 / n)
    assert abs(z.var().item() - 4.0) < 5 * math.sqrt(2 * 4.0 ** 2 / n)   # Var of s² is 2σ⁴/(n−1)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="same shape"):
        normal_rsample(torch.zeros(3), torch.zeros(2))
    with pytest.raises(ValueError, match="same shape"):
        normal_rsample(torch.zeros(3), torch.zeros(()))
    with pytest.raises(TypeError, match="log_var"):
        normal_rsample(torch.zeros(3), torch.zeros(3, dtype=torch.int64))
    with pytest.raises(TypeError, match="mean"):
        normal_rsample([0.0], torch.zeros(1))


def test_exponential_inverse_cdf_sample_and_its_pathwise_gradient():
    from scipy import stats

    from dlbook.sampling import exponential_rsample
    n = 100_000
    rate = torch.full((n,), 2.0, dtype=torch.float64, requires_grad=True)
    z = exponential_rsample(rate, generator=torch.Generator().manual_seed(0))
    assert stats.kstest(z.detach().numpy(), stats.expon(scale=0.5).cdf).pvalue > 1e-4
    # d/dλ E[z²] = d/dλ (2/λ²) = −4/λ³ = −0.5 at λ = 2
    grad, = torch.autograd.grad((z ** 2).sum(), rate)
    assert abs(grad.mean().item() + 0.5) < 5 * grad.std().item() / n ** 0.5
    check.close(grad, -2 * z.detach() ** 2 / 2.0, atol=1e-12)   # ∂z/∂λ = −z/λ
    with pytest.raises(ValueError, match="rate"):
        exponential_rsample(torch.tensor([0.0]))
    with pytest.raises(TypeError, match="rate"):
        exponential_rsample(torch.tensor([1]))
