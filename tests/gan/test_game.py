import math

import pytest
import torch
from hypothesis import given, settings, strategies as st
from scipy.spatial.distance import jensenshannon
from torch.nn import functional as F

from dlbook import check
from dlbook.gan import discriminator_loss, generator_loss, js_divergence, optimal_discriminator, value_at


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 20), m=st.integers(1, 20), seed=st.integers(0, 99))
def test_discriminator_loss_is_binary_cross_entropy(n, m, seed):
    gen = torch.Generator().manual_seed(seed)
    real, fake = 5 * torch.randn(n, 1, generator=gen, dtype=torch.float64), 5 * torch.randn(m, generator=gen, dtype=torch.float64)
    expected = (F.binary_cross_entropy_with_logits(real[:, 0], torch.ones(n, dtype=torch.float64))
                + F.binary_cross_entropy_with_logits(fake, torch.zeros(m, dtype=torch.float64)))
    check.close(discriminator_loss(real, fake), expected, atol=1e-12)


def test_generator_losses_and_their_gradients_in_closed_form():
    logits = torch.linspace(-12, 4, 33, dtype=torch.float64, requires_grad=True)
    D = torch.sigmoid(logits)
    check.close(generator_loss(logits, "saturating"), torch.log1p(-D).mean())
    check.close(generator_loss(logits, "non_saturating"), -torch.log(D).mean())
    (g_sat,) = torch.autograd.grad(generator_loss(logits, "saturating"), logits)
    (g_ns,) = torch.autograd.grad(generator_loss(logits, "non_saturating"), logits)
    n = len(logits)
    check.close(g_sat, -D.detach() / n, atol=1e-15)  # vanishes as D → 0
    check.close(g_ns, -(1 - D.detach()) / n, atol=1e-15)  # → −1/N as D → 0


def test_losses_stay_finite_for_extreme_logits():
    big = torch.tensor([1e4, -1e4])
    assert torch.isfinite(discriminator_loss(big, big)) and torch.isfinite(generator_loss(big, "saturating"))


def test_optimal_discriminator_and_the_value_at_it():
    x = torch.linspace(-10, 10, 20001, dtype=torch.float64)
    dx = float(x[1] - x[0])
    p = torch.exp(-x**2 / 2) / math.sqrt(2 * math.pi)
    q = torch.exp(-(x - 1) ** 2 / (2 * 2.25)) / math.sqrt(2 * math.pi * 2.25)  # wider: D* never rounds to 1
    D = optimal_discriminator(p, q)
    check.close(D, p / (p + q))
    jsd = js_divergence(p, q, dx=dx)
    check.close(value_at(D, p, q, dx), -math.log(4) + 2 * jsd, atol=1e-9)
    # any other discriminator does worse
    assert value_at((D * 0.9 + 0.05), p, q, dx) < value_at(D, p, q, dx)
    assert float(optimal_discriminator(torch.zeros(2), torch.zeros(2))[0]) == 0.5


@settings(max_examples=25, deadline=None)
@given(k=st.integers(2, 10), seed=st.integers(0, 99))
def test_js_divergence_matches_scipy(k, seed):
    gen = torch.Generator().manual_seed(seed)
    p, q = torch.rand(k, generator=gen, dtype=torch.float64), torch.rand(k, generator=gen, dtype=torch.float64)
    p, q = p / p.sum(), q / q.sum()
    check.close(js_divergence(p, q), jensenshannon(p.numpy(), q.numpy()) ** 2, atol=1e-12)


def test_disjoint_supports_give_log_two():
    p, q = torch.tensor([0.5, 0.5, 0.0, 0.0]), torch.tensor([0.0, 0.0, 0.3, 0.7])
    check.close(js_divergence(p, q), math.log(2), atol=1e-7)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="kind must be one of"):
        generator_loss(torch.zeros(3), "minimax")
    with pytest.raises(ValueError, match=r"shape \(N,\) or \(N, 1\)"):
        discriminator_loss(torch.zeros(3, 2), torch.zeros(3))
    with pytest.raises(TypeError, match="floating-point"):
        generator_loss(torch.zeros(3, dtype=torch.int64))
    with pytest.raises(TypeError, match="real_logits must be a tensor"):
        discriminator_loss([0.0], torch.zeros(1))
    with pytest.raises(ValueError, match="same shape"):
        optimal_discriminator(torch.ones(3), torch.ones(4))
    with pytest.raises(ValueError, match="non-negative"):
        js_divergence(torch.tensor([1.5, -0.5]), torch.tensor([0.5, 0.5]))
    with pytest.raises(ValueError, match="q must sum to 1"):
        js_divergence(torch.tensor([0.5, 0.5]), torch.tensor([0.5, 0.6]))
    with pytest.raises(ValueError, match="dx must be a positive"):
        js_divergence(torch.ones(3), torch.ones(3), dx=0.0)
    with pytest.raises(ValueError, match=r"lie in \[0, 1\]"):
        value_at(torch.tensor([1.2]), torch.ones(1), torch.ones(1), 1.0)
