import math

import pytest
import torch

from dlbook import check
from dlbook.sampling import (categorical_exact_gradient, categorical_expectation, categorical_relaxed,
                             categorical_score_function, vertex_values)

LOGITS = torch.tensor([0.5, -0.3, 0.1, -1.0], dtype=torch.float64)
TARGET = torch.tensor([0.1, 0.2, 0.3, 0.4], dtype=torch.float64)


def f(y):
    return ((y - TARGET) ** 2).sum(-1) + 2.0


def gen(seed):
    return torch.Generator().manual_seed(seed)


def within(estimates, exact, standard_errors=5.0):
    n = estimates.shape[0]
    se = estimates.std(0) / math.sqrt(n)
    return ((estimates.mean(0) - exact).abs() <= standard_errors * se).all()


def test_exact_gradient_matches_autograd_of_the_expectation():
    theta = LOGITS.clone().requires_grad_(True)
    autograd, = torch.autograd.grad(categorical_expectation(f, theta), theta)
    check.close(categorical_exact_gradient(f, LOGITS), autograd, atol=1e-14)
    check.close(vertex_values(f, LOGITS), 2 + 1 - 2 * TARGET + (TARGET ** 2).sum(), atol=1e-14)


@pytest.mark.parametrize("baseline", [None, 1.5, "leave-one-out", torch.full((4,), 2.5, dtype=torch.float64)])
def test_score_function_is_unbiased_with_every_baseline(baseline):
    estimates = categorical_score_function(f, LOGITS, 100_000, baseline, generator=gen(0))
    assert estimates.shape == (100_000, 4)
    assert within(estimates, categorical_exact_gradient(f, LOGITS))


def test_baselines_reduce_the_variance():
    plain = categorical_score_function(f, LOGITS, 20_000, generator=gen(1)).var(0).sum()
    loo = categorical_score_function(f, LOGITS, 20_000, "leave-one-out", generator=gen(1)).var(0).sum()
    assert loo < plain / 50   # f carries an offset of 2, which the baseline removes


def test_relaxed_estimates_equal_autograd_per_sample():
    y_grad = categorical_relaxed(f, LOGITS, 3, 0.5, generator=gen(2))
    g = torch.empty(3, 4, dtype=torch.float64)
    noise_gen = gen(2)
    from dlbook.sampling import sample_gumbel
    noise = sample_gumbel((3, 4), generator=noise_gen, dtype=torch.float64)
    for i in range(3):
        theta = LOGITS.clone().requires_grad_(True)
        g[i], = torch.autograd.grad(f(torch.softmax((theta + noise[i]) / 0.5, 0)[None])[0], theta)
    check.close(y_grad, g, atol=1e-12)


def test_gumbel_softmax_bias_falls_and_variance_rises_as_tau_falls():
    exact = categorical_exact_gradient(f, LOGITS)
    n = 40_000
    cold, hot = (categorical_relaxed(f, LOGITS, n, tau, generator=gen(3)) for tau in (0.1, 2.0))
    bias_cold = (cold.mean(0) - exact).norm()
    bias_hot = (hot.mean(0) - exact).norm()
    se = math.sqrt((cold.var(0).sum() + hot.var(0).sum()) / n)
    assert bias_hot - bias_cold > 5 * se
    assert cold.var(0).sum() > 10 * hot.var(0).sum()
    straight = categorical_relaxed(f, LOGITS, n, 1.0, hard=True, generator=gen(4))
    assert not within(straight, exact)   # straight-through is biased here


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="K >= 2"):
        categorical_expectation(f, torch.zeros(1))
    with pytest.raises(ValueError, match="K >= 2"):
        categorical_score_function(f, torch.zeros(2, 3), 4)
    with pytest.raises(ValueError, match="finite"):
        categorical_exact_gradient(f, torch.tensor([0.0, float("inf")]))
    with pytest.raises(TypeError, match="callable"):
        vertex_values(3, LOGITS)
    with pytest.raises(ValueError, match=r"\(N, K\) to \(N,\)"):
        vertex_values(lambda y: y, LOGITS)
    with pytest.raises(ValueError, match="n_samples"):
        categorical_relaxed(f, LOGITS, 0, 1.0)
    with pytest.raises(ValueError, match="tau"):
        categorical_relaxed(f, LOGITS, 4, -1.0)
    with pytest.raises(ValueError, match="leave-one-out"):
        categorical_score_function(f, LOGITS, 1, "leave-one-out")
