"""The length of a scale-invariant weight under SGD: Pythagorean growth and the weight-decay equilibrium."""
import pytest
import torch

from dlbook import normalization as N

from helpers import randn

pytestmark = pytest.mark.usefixtures("one_thread")

X, T = randn(64, 5, seed=1), randn(64, 3, seed=2)


def scale_invariant_loss(w, t):
    rows = torch.arange(16) + 16 * (t % 4)  # a different mini-batch at every step
    return (N.batch_norm(X[rows] @ w.T, eps=0.0) - T[rows]).square().mean()


def test_equilibrium_norm_is_the_fixed_point_of_the_recursion():
    lr, wd, G = 0.3, 0.05, 1.7
    w = N.equilibrium_norm(lr, wd, G)
    assert abs((1 - lr * wd) ** 2 * w**2 + lr**2 * G**2 / w**2 - w**2) < 1e-12


def test_plain_sgd_grows_the_norm_by_pythagoras():
    tr = N.sgd_norm_trajectory(scale_invariant_loss, randn(3, 5), lr=0.5, steps=30)
    n, G = tr["norm"], tr["unit_grad_norm"]
    torch.testing.assert_close(n[1:] ** 2, n[:-1] ** 2 + 0.25 * G**2 / n[:-1] ** 2, rtol=1e-10, atol=0)
    assert tr["cos"].abs().max() < 1e-12 and (n[1:] > n[:-1]).all()


def test_unit_gradient_norm_does_not_depend_on_the_length():
    a = N.sgd_norm_trajectory(scale_invariant_loss, randn(3, 5), lr=0.1, steps=1)
    b = N.sgd_norm_trajectory(scale_invariant_loss, 7 * randn(3, 5), lr=0.1, steps=1)
    torch.testing.assert_close(a["unit_grad_norm"], b["unit_grad_norm"], rtol=1e-10, atol=0)


def test_momentum_and_weight_decay_break_the_pythagorean_growth():
    for kwargs in (dict(momentum=0.9), dict(weight_decay=0.1)):
        tr = N.sgd_norm_trajectory(scale_invariant_loss, randn(3, 5), lr=0.5, steps=30, **kwargs)
        n, G = tr["norm"], tr["unit_grad_norm"]
        assert ((n[1:] ** 2 - n[:-1] ** 2 - 0.25 * G**2 / n[:-1] ** 2).abs() > 1e-3).any()


def test_weight_decay_settles_at_the_equilibrium():
    lr, wd = 0.5, 0.05
    tr = N.sgd_norm_trajectory(scale_invariant_loss, 5 * randn(3, 5), lr=lr, steps=400, weight_decay=wd)
    G = float(tr["unit_grad_norm"][200:].square().mean().sqrt())
    assert abs(float(tr["norm"][200:].mean()) / N.equilibrium_norm(lr, wd, G) - 1) < 0.03


@pytest.mark.parametrize("lr, wd, G", [(0.0, 0.1, 1.0), (0.1, 0.0, 1.0), (1.0, 2.5, 1.0), (0.1, 0.1, -1.0)])
def test_equilibrium_norm_rejects_bad_arguments(lr, wd, G):
    with pytest.raises(ValueError, match="lr|unit_grad_norm"):
        N.equilibrium_norm(lr, wd, G)


def test_trajectory_rejects_a_bad_number_of_steps():
    with pytest.raises(ValueError, match="steps must be a positive int"):
        N.sgd_norm_trajectory(scale_invariant_loss, randn(3, 5), lr=0.1, steps=0)
