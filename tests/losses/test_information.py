"""Entropy and KL divergence against torch.distributions, and H(p, q) = H(p) + KL(p ‖ q)."""
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.distributions import Categorical, kl_divergence

from dlbook import losses

from helpers import assert_close, generator

pytestmark = pytest.mark.usefixtures("one_thread")
SETTINGS = settings(max_examples=25, deadline=None)


def random_probs(seed, n, k, zeros=False):
    p = torch.rand(n, k, generator=generator(seed), dtype=torch.float64) + 1e-3
    if zeros:                                    # a class with probability exactly 0
        p[:, 0] = 0.0
    return p / p.sum(1, keepdim=True)


@SETTINGS
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 5), k=st.integers(2, 7), zeros=st.booleans())
def test_entropy_and_kl_match_torch_distributions(seed, n, k, zeros):
    p, q = random_probs(seed, n, k, zeros), random_probs(seed + 1, n, k)
    # values only: Categorical renormalises p, so its gradient is projected onto Σ p = 1
    assert_close(losses.entropy(p), Categorical(probs=p).entropy())
    assert_close(losses.kl_divergence(p, q), kl_divergence(Categorical(probs=p), Categorical(probs=q)))


@SETTINGS
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 5), k=st.integers(2, 7), zeros=st.booleans())
def test_cross_entropy_is_entropy_plus_kl(seed, n, k, zeros):
    p = random_probs(seed, n, k, zeros)
    logits = 3 * torch.randn(n, k, generator=generator(seed + 2), dtype=torch.float64)
    q = torch.softmax(logits, dim=1)
    h_pq = losses.cross_entropy(logits, p, reduction="none")
    assert_close(h_pq, losses.entropy(p) + losses.kl_divergence(p, q))
    assert_close(h_pq, F.cross_entropy(logits, p, reduction="none"))
    assert (losses.kl_divergence(p, q) >= 0).all()


def test_kl_is_zero_for_equal_and_infinite_for_missing_support():
    p = torch.tensor([0.5, 0.5, 0.0], dtype=torch.float64)
    assert losses.kl_divergence(p, p) == 0
    assert losses.kl_divergence(p, torch.tensor([1.0, 0.0, 0.0], dtype=torch.float64)) == float("inf")
    assert losses.entropy(torch.tensor([1.0, 0.0])) == 0                       # 0 ln 0 = 0
    assert_close(losses.entropy(torch.full((4,), 0.25, dtype=torch.float64)),
                 torch.log(torch.tensor(4.0, dtype=torch.float64)))         # uniform: ln K


def test_bad_input_is_refused_with_a_reason():
    p = torch.tensor([0.5, 0.5])
    with pytest.raises(ValueError, match="sum to 1"):
        losses.entropy(torch.tensor([0.5, 0.6]))
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        losses.entropy(torch.tensor([1.5, -0.5]))
    with pytest.raises(TypeError, match="floating-point"):
        losses.entropy(torch.tensor([1, 0]))
    with pytest.raises(ValueError, match="same shape"):
        losses.kl_divergence(p, torch.tensor([0.2, 0.3, 0.5]))
    with pytest.raises(ValueError, match="at least one dimension"):
        losses.entropy(torch.tensor(1.0))
