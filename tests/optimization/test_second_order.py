"""Newton's method, line searches and the logistic-regression problem, against autograd and closed forms."""
import pytest
import torch
from hypothesis import given, settings, strategies as st

from dlbook.optimization import second_order as so
from dlbook.optimization import Quadratic

from helpers import generator

pytestmark = pytest.mark.usefixtures("one_thread")


def logistic_problem(n, d, seed=0):
    gen = generator(seed)
    X = torch.randn(n, d, generator=gen, dtype=torch.float64)
    y = (torch.rand(n, generator=gen, dtype=torch.float64) < torch.sigmoid(X @ torch.ones(d, dtype=torch.float64))).double()
    return torch.randn(d, generator=gen, dtype=torch.float64), X, y


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 30), d=st.integers(1, 6), l2=st.floats(0.0, 1.0), seed=st.integers(0, 1000))
def test_logistic_gradient_and_hessian_match_autograd(n, d, l2, seed):
    w, X, y = logistic_problem(n, d, seed)
    loss = lambda v: so.logistic_loss(v, X, y, l2)
    reference = torch.nn.functional.binary_cross_entropy_with_logits(X @ w, y) + 0.5 * l2 * (w @ w)
    torch.testing.assert_close(loss(w), reference)
    torch.testing.assert_close(so.logistic_grad(w, X, y, l2), torch.func.grad(loss)(w))
    torch.testing.assert_close(so.logistic_hessian(w, X, y, l2), torch.autograd.functional.hessian(loss, w))


def test_logistic_checks_shapes():
    w, X, y = logistic_problem(10, 3)
    with pytest.raises(ValueError, match=r"w: \(D,\), X: \(N, D\), y: \(N,\)"):
        so.logistic_grad(w[:2], X, y)


def test_newton_solves_a_quadratic_in_one_step():
    q = Quadratic([10.0, 0.1], angle=0.7)
    shifted = lambda x: q(x - torch.tensor([1.0, 2.0], dtype=x.dtype))
    path = so.newton(shifted, [-3.0, 5.0], 5)
    torch.testing.assert_close(path[1], torch.tensor([1.0, 2.0], dtype=torch.float64))
    assert len(path) <= 3  # the gradient is (numerically) zero after the first step


def test_newton_converges_quadratically_on_logistic_regression():
    w, X, y = logistic_problem(200, 4)
    loss = lambda v: so.logistic_loss(v, X, y, 0.1)
    path = so.newton(loss, torch.zeros(4), 8)
    errors = (path - path[-1]).norm(dim=1)[:5]
    assert errors[4] < 1e-9
    ratios = errors[1:4] / errors[:3] ** 2          # e_{t+1} ≤ C e_t²
    assert ratios.max() < 1.0
    damped = so.newton(loss, torch.zeros(4), 3, damping=1.0)
    assert (damped[-1] - path[-1]).norm() > errors[3]  # damping slows it down
    with pytest.raises(ValueError, match="damping must be >= 0"):
        so.newton(loss, torch.zeros(4), 3, damping=-1.0)


def test_wolfe_conditions_on_a_parabola():
    f = lambda x: (x ** 2).sum()
    x, p = torch.tensor([1.0], dtype=torch.float64), torch.tensor([-2.0], dtype=torch.float64)
    # φ(α) = (1 − 2α)²: sufficient decrease for α < 1 − c₁, curvature for α ≥ (1 − c₂)/2
    assert so.wolfe_conditions(f, x, p, 0.01) == (True, False)
    assert so.wolfe_conditions(f, x, p, 0.5) == (True, True)
    assert so.wolfe_conditions(f, x, p, 1.2) == (False, True)
    with pytest.raises(ValueError, match="0 < c1 < c2 < 1"):
        so.wolfe_conditions(f, x, p, 0.5, c1=0.9, c2=0.1)


def test_backtracking_returns_the_first_step_with_sufficient_decrease():
    f = lambda x: (x ** 2).sum()
    x, p = torch.tensor([1.0], dtype=torch.float64), torch.tensor([-2.0], dtype=torch.float64)
    assert so.backtracking(f, x, p, alpha0=1.0, rho=0.5) == 0.5
    assert so.backtracking(f, x, p, alpha0=4.0, rho=0.1) == pytest.approx(0.4)
    with pytest.raises(ValueError, match="not a descent direction"):
        so.backtracking(f, x, -p)
    with pytest.raises(ValueError, match="rho must lie in"):
        so.backtracking(f, x, p, rho=1.0)


def test_gradient_descent_with_line_search_decreases_monotonically():
    w, X, y = logistic_problem(100, 3)
    loss = lambda v: so.logistic_loss(v, X, y, 0.01)
    path, alphas = so.gradient_descent(loss, torch.zeros(3), 30, alpha0=8.0)
    values = torch.stack([loss(v) for v in path])
    assert (values[1:] < values[:-1]).all() and len(alphas) == 30 and all(0 < a <= 8.0 for a in alphas)
    fixed, steps = so.gradient_descent(loss, torch.zeros(3), 3, lr=0.5)
    torch.testing.assert_close(fixed[1], -0.5 * so.logistic_grad(torch.zeros(3, dtype=torch.float64), X, y, 0.01))
    assert steps == [0.5] * 3
    with pytest.raises(ValueError, match="lr must be positive"):
        so.gradient_descent(loss, torch.zeros(3), 3, lr=0.0)


@settings(max_examples=25, deadline=None)
@given(d=st.integers(1, 6), seed=st.integers(0, 1000))
def test_hessian_by_rows_matches_autograd_and_counts_one_pass_per_row(d, seed):
    w, X, y = logistic_problem(20, d, seed)
    loss = lambda v: so.logistic_loss(v, X, y, 0.1) + (v ** 4).sum()      # a non-quadratic term too
    H, passes = so.hessian_by_rows(loss, w)
    torch.testing.assert_close(H, torch.autograd.functional.hessian(loss, w))
    assert passes == d and not H.requires_grad


def test_hessian_by_rows_needs_a_vector():
    with pytest.raises(ValueError, match="vector"):
        so.hessian_by_rows(lambda v: (v ** 2).sum(), torch.ones(2, 2))
