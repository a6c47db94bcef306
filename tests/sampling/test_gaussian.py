import math

import pytest
import torch

from dlbook import check
from dlbook.sampling import (gaussian_reparameterised, gaussian_score, gaussian_score_function,
                             quadratic_expectation, quadratic_gradient)

MEAN = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64)
LOG_VAR = torch.tensor([0.0, -0.5, 0.3], dtype=torch.float64)
TARGET = torch.tensor([1.0, 0.0, 1.0], dtype=torch.float64)


def f(z):
    return ((z - TARGET) ** 2).sum(-1)


def gen(seed):
    return torch.Generator().manual_seed(seed)


def test_closed_forms_match_autograd_and_monte_carlo():
    mean, log_var = MEAN.clone().requires_grad_(True), LOG_VAR.clone().requires_grad_(True)
    grads = torch.autograd.grad(quadratic_expectation(mean, log_var, TARGET), [mean, log_var])
    check.close(quadratic_gradient(MEAN, LOG_VAR, TARGET), torch.cat(grads), atol=1e-14)
    n = 200_000
    z = MEAN + (LOG_VAR / 2).exp() * torch.randn(n, 3, generator=gen(0), dtype=torch.float64)
    values = f(z)
    assert abs(values.mean() - quadratic_expectation(MEAN, LOG_VAR, TARGET)) < 5 * values.std() / math.sqrt(n)


def test_score_matches_autograd_of_the_log_density():
    z = torch.randn(5, 3, generator=gen(1), dtype=torch.float64)
    mean, log_var = MEAN.clone().requires_grad_(True), LOG_VAR.clone().requires_grad_(True)
    rows = []
    for zi in z:
        log_p = torch.distributions.Normal(mean, (log_var / 2).exp()).log_prob(zi).sum()
        rows.append(torch.cat(torch.autograd.grad(log_p, [mean, log_var])))
    check.close(gaussian_score(z, MEAN, LOG_VAR), torch.stack(rows), atol=1e-12)


@pytest.mark.parametrize("estimator", ["score", "score-loo", "pathwise"])
def test_both_estimators_are_unbiased(estimator):
    n = 100_000
    if estimator == "pathwise":
        estimates = gaussian_reparameterised(f, MEAN, LOG_VAR, n, generator=gen(2))
    else:
        baseline = "leave-one-out" if estimator == "score-loo" else None
        estimates = gaussian_score_function(f, MEAN, LOG_VAR, n, baseline, generator=gen(2))
    assert estimates.shape == (n, 6)
    se = estimates.std(0) / math.sqrt(n)
    assert ((estimates.mean(0) - quadratic_gradient(MEAN, LOG_VAR, TARGET)).abs() < 5 * se).all()


def test_pathwise_has_lower_variance_and_the_gap_grows_with_dimension():
    ratios = []
    for d in (1, 16):
        mean, log_var, target = torch.full((d,), 0.5), torch.zeros(d), torch.zeros(d)
        g = lambda z: ((z - target) ** 2).sum(-1)  # noqa: E731
        score = gaussian_score_function(g, mean, log_var, 20_000, generator=gen(3)).var(0).sum()
        path = gaussian_reparameterised(g, mean, log_var, 20_000, generator=gen(3)).var(0).sum()
        ratios.append(float(score / path))
    assert ratios[0] > 2 and ratios[1] > 10 * ratios[0]


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match=r"mean must be \(D,\)"):
        gaussian_score_function(f, torch.zeros(2, 3), torch.zeros(2, 3), 4)
    with pytest.raises(ValueError, match="same shape"):
        gaussian_reparameterised(f, torch.zeros(3), torch.zeros(2), 4)
    with pytest.raises(ValueError, match="same shape"):
        quadratic_expectation(MEAN, LOG_VAR, torch.zeros(2, dtype=torch.float64))
    with pytest.raises(TypeError, match="callable"):
        gaussian_reparameterised("f", MEAN, LOG_VAR, 4)
    with pytest.raises(ValueError, match=r"\(N, D\) to \(N,\)"):
        gaussian_score_function(lambda z: z, MEAN, LOG_VAR, 4)
    with pytest.raises(TypeError, match="n_samples"):
        gaussian_reparameterised(f, MEAN, LOG_VAR, 4.0)
    with pytest.raises(TypeError, match="target"):
        quadratic_expectation(MEAN, LOG_VAR, [0.0] * 3)


def test_score_and_gradient_bad_input():
    with pytest.raises(ValueError, match=r"z must be \(N, D\)"):
        gaussian_score(torch.zeros(4, 2, dtype=torch.float64), MEAN, LOG_VAR)
    with pytest.raises(TypeError, match="z must be a floating"):
        gaussian_score(torch.zeros(4, 3, dtype=torch.int64), MEAN, LOG_VAR)
    with pytest.raises(ValueError, match="same shape"):
        quadratic_gradient(MEAN, LOG_VAR, torch.zeros(4, dtype=torch.float64))
