import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook import distributed


@settings(max_examples=20, deadline=None)
@given(delay=st.integers(0, 12))
def test_the_stability_limit_is_where_the_roots_cross_the_unit_circle(delay):
    limit = distributed.delay_stability_limit(delay)
    assert distributed.delayed_gd_spectral_radius(limit * 0.99, delay) < 1
    assert distributed.delayed_gd_spectral_radius(limit * 1.01, delay) > 1


def test_delayed_gradient_descent_follows_the_recursion():
    # batch = everything and one feature: w_{t+1} = w_t − η(λ w_{t−τ} − c); compare to the recursion by hand
    problem = distributed.least_squares(n=64, d=1, noise=0.3, seed=1)
    lam, w_star, lr, delay = problem.curvature, problem.w_star[0], 0.3, 2
    errors = distributed.stale_sgd(problem, delay, lr, 30, batch_size=10**6, seed=0)
    ws = [0.0]
    for t in range(30):
        stale = ws[max(0, t - delay)]
        ws.append(ws[-1] - lr * lam * (stale - w_star))
    np.testing.assert_allclose(errors, (np.array(ws) - w_star) ** 2, rtol=1e-3, atol=1e-4)


def test_the_optimum_is_the_least_squares_solution():
    p = distributed.least_squares(n=100, d=5, seed=3)
    np.testing.assert_allclose(p.w_star, np.linalg.lstsq(p.X, p.y, rcond=None)[0])
    np.testing.assert_allclose(p.gradient(p.w_star), 0, atol=1e-12)
    assert p.loss(p.w_star) <= p.loss(p.w_star + 0.01)


def test_an_unstable_delay_is_cut_off_as_inf():
    p = distributed.least_squares(seed=0)
    errors = distributed.stale_sgd(p, 8, 1.0, 300, 8)
    assert np.isinf(errors[-1]) and np.isfinite(errors[0])


def test_bad_input_names_the_problem():
    p = distributed.least_squares(n=20, d=2)
    with pytest.raises(ValueError, match="delay"):
        distributed.stale_sgd(p, -1, 0.1, 10, 2)
    with pytest.raises(ValueError, match="lr"):
        distributed.stale_sgd(p, 0, 0.0, 10, 2)
    with pytest.raises(ValueError, match="batch_size"):
        distributed.stale_sgd(p, 0, 0.1, 10, 0)
    with pytest.raises(ValueError, match="n >= d"):
        distributed.least_squares(n=2, d=5)
    with pytest.raises(ValueError, match="condition"):
        distributed.least_squares(condition=0.5)
    with pytest.raises(ValueError, match="delay"):
        distributed.delay_stability_limit(-2)
