import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings, strategies as st
from scipy import stats

from dlbook import check
from dlbook.sampling import concrete_log_prob, gumbel_softmax, sample_gumbel, straight_through


def gen(seed):
    return torch.Generator().manual_seed(seed)


def test_soft_sample_is_the_softmax_of_perturbed_logits():
    logits = torch.randn(6, 4, dtype=torch.float64)
    y = gumbel_softmax(logits, tau=0.5, generator=gen(3))
    g = sample_gumbel(logits.shape, generator=gen(3), dtype=torch.float64)
    check.close(y, torch.softmax((logits + g) / 0.5, -1), atol=0, rtol=0)


def test_hard_sample_is_one_hot_forward_and_soft_backward():
    logits = torch.randn(5, 3, dtype=torch.float64, requires_grad=True)
    w = torch.randn(5, 3, dtype=torch.float64)
    y_hard = gumbel_softmax(logits, tau=0.7, hard=True, generator=gen(1))
    y_soft = gumbel_softmax(logits, tau=0.7, hard=False, generator=gen(1))
    assert torch.equal(y_hard.detach(), F.one_hot(y_soft.argmax(-1), 3).double())
    g_hard, = torch.autograd.grad((y_hard * w).sum(), logits)
    g_soft, = torch.autograd.grad((y_soft * w).sum(), logits)
    check.close(g_hard, g_soft, atol=1e-15)


def test_straight_through_value_and_gradient():
    y = torch.tensor([[0.2, 0.5, 0.3]], requires_grad=True)
    out = straight_through(y)
    assert torch.equal(out.detach(), torch.tensor([[0.0, 1.0, 0.0]]))
    grad, = torch.autograd.grad((out * torch.tensor([1.0, 2.0, 3.0])).sum(), y)
    assert torch.equal(grad, torch.tensor([[1.0, 2.0, 3.0]]))


@pytest.mark.parametrize("tau", [0.3, 1.0, 3.0])
def test_soft_samples_have_the_same_distribution_as_torch(tau):
    logits = torch.tensor([-1.0, 0.0, 0.5, 1.5], dtype=torch.float64)
    n = 40_000
    ours = gumbel_softmax(logits.expand(n, 4), tau, generator=gen(0))
    torch.manual_seed(1)
    theirs = F.gumbel_softmax(logits.expand(n, 4), tau)
    # a two-sample KS test per coordinate, each at level 1e-4
    for k in range(4):
        ks = stats.ks_2samp(ours[:, k].numpy(), theirs[:, k].numpy())
        assert ks.pvalue > 1e-4, (k, ks)


def test_hard_samples_have_the_same_distribution_as_torch():
    logits = torch.tensor([-1.0, 0.0, 0.5, 1.5], dtype=torch.float64)
    n = 40_000
    ours = gumbel_softmax(logits.expand(n, 4), 0.5, hard=True, generator=gen(0)).sum(0)
    torch.manual_seed(2)
    theirs = F.gumbel_softmax(logits.expand(n, 4), 0.5, hard=True).sum(0)
    assert stats.chi2_contingency(torch.stack([ours, theirs]).numpy()).pvalue > 1e-4
    # and both follow the categorical softmax(logits): Gumbel-max does not depend on tau
    assert stats.chisquare(ours.numpy(), (n * logits.softmax(0)).numpy()).pvalue > 1e-4


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.floats(0.05, 5.0), st.booleans(), st.data())
def test_any_shape_and_dim_gives_points_of_the_simplex(shape, tau, hard, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    logits = torch.randn(shape, dtype=torch.float64)
    y = gumbel_softmax(logits, tau, hard, dim)
    assert y.shape == logits.shape and (y >= 0).all()
    check.close(y.sum(dim), torch.ones(()).expand(y.sum(dim).shape), atol=1e-12)
    if hard:
        assert ((y == 0) | (y == 1)).all()


def test_samples_approach_one_hot_as_the_temperature_falls():
    logits = torch.zeros(20_000, 5)
    gaps = [(1 - gumbel_softmax(logits, tau, generator=gen(0)).max(-1).values).mean().item()
            for tau in (2.0, 0.5, 0.1, 0.02)]
    # the mean distance from the nearest vertex shrinks roughly in proportion to tau
    assert gaps[0] > gaps[1] > gaps[2] > gaps[3] and gaps[3] < 0.02


def test_concrete_log_prob_matches_torch_and_integrates_to_one():
    logits, tau = torch.tensor([0.3, -0.4, 1.1], dtype=torch.float64), 0.6
    dist = torch.distributions.RelaxedOneHotCategorical(torch.tensor(tau, dtype=torch.float64), logits=logits)
    y = dist.sample((50,))
    check.close(concrete_log_prob(y, logits, tau), dist.log_prob(y), atol=1e-10)
    # K = 2: a density of y_1 on (0, 1)
    logits2 = torch.tensor([0.5, -0.2], dtype=torch.float64)
    u = torch.linspace(1e-6, 1 - 1e-6, 200_001, dtype=torch.float64)
    density = concrete_log_prob(torch.stack([u, 1 - u], -1), logits2, 1.3).exp()
    assert abs(torch.trapezoid(density, u).item() - 1) < 1e-4


def test_bad_input_names_the_problem():
    x = torch.zeros(2, 3)
    for tau in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="tau"):
            gumbel_softmax(x, tau)
    with pytest.raises(TypeError, match="tau"):
        gumbel_softmax(x, "1")
    with pytest.raises(ValueError, match="tau"):
        gumbel_softmax(x, torch.ones(2))
    with pytest.raises(TypeError, match="floating"):
        gumbel_softmax(torch.zeros(2, 3, dtype=torch.int64))
    with pytest.raises(ValueError, match="dimension"):
        gumbel_softmax(torch.tensor(1.0))
    with pytest.raises(ValueError, match="out of range"):
        gumbel_softmax(x, dim=-3)
    with pytest.raises(TypeError, match="hard"):
        gumbel_softmax(x, hard=1)
    with pytest.raises(TypeError, match="tensor"):
        straight_through([0.5, 0.5])
    with pytest.raises(ValueError, match="classes"):
        concrete_log_prob(torch.full((3,), 1 / 3), torch.zeros(2), 1.0)
    with pytest.raises(ValueError, match="simplex"):
        concrete_log_prob(torch.tensor([1.0, 0.0]), torch.zeros(2), 1.0)
    with pytest.raises(ValueError, match="tau"):
        concrete_log_prob(torch.full((2,), 0.5), torch.zeros(2), 0)
    assert math.isfinite(concrete_log_prob(torch.full((2,), 0.5), torch.zeros(2), 1.0).item())
