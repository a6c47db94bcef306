"""Test landscapes and optimiser paths: the quadratic's spectrum, Rosenbrock, trajectory and parameter_path."""
import copy

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from dlbook.optimization import landscapes as L
from dlbook.probe import flat_parameters
from dlbook.optimization import optimizers as optim

from helpers import assert_close, randn

pytestmark = pytest.mark.usefixtures("one_thread")


def test_quadratic_has_the_requested_spectrum_and_values():
    q = L.Quadratic.with_condition_number(25.0, lambda_max=2.0, angle=0.3)
    assert_close(torch.linalg.eigvalsh(q.A), torch.tensor([0.08, 2.0], dtype=torch.float64))
    assert q.kappa == pytest.approx(25.0)
    x = randn(7, 3, 2)
    assert_close(q(x), 0.5 * ((x @ q.A) * x).sum(-1))
    assert_close(torch.autograd.functional.hessian(q, x[0, 0]), q.A)


def test_quadratic_rejects_bad_spectra():
    with pytest.raises(ValueError, match="eigenvalues must be positive"):
        L.Quadratic([1.0, -1.0])
    with pytest.raises(ValueError, match="condition number"):
        L.Quadratic.with_condition_number(0.5)
    with pytest.raises(ValueError, match="2-D quadratic only"):
        L.Quadratic([1.0, 2.0, 3.0], angle=0.1)


@settings(max_examples=25, deadline=None)
@given(kappa=st.floats(1.0, 100.0), eta=st.floats(0.05, 1.95), angle=st.floats(0.0, 3.0))
def test_gradient_descent_on_a_quadratic_follows_the_closed_form(kappa, eta, angle):
    q = L.Quadratic.with_condition_number(kappa, angle=angle)
    x0 = torch.tensor([1.0, -2.0], dtype=torch.float64)
    path = L.trajectory(lambda p: optim.SGD(p, lr=eta), q, x0, 30)
    step = torch.eye(2, dtype=torch.float64) - eta * q.A
    expected = torch.stack([torch.linalg.matrix_power(step, t) @ x0 for t in range(31)])
    assert_close(path, expected)
    assert q.gd_rate(eta) == pytest.approx(max(abs(1 - eta), abs(1 - eta / kappa)))


def test_trajectory_stops_when_the_iterates_overflow():
    q = L.Quadratic([1.0, 0.5])
    path = L.trajectory(lambda p: torch.optim.SGD(p, lr=3.0), q, [1.0, 1.0], 5000)
    assert 1000 < len(path) < 1100 and torch.isfinite(path).all()  # |1 − 3|ᵗ overflows float64 near t = 1024
    with pytest.raises(ValueError, match="steps must be a non-negative int"):
        L.trajectory(lambda p: torch.optim.SGD(p, lr=0.1), q, [1.0, 1.0], -1)


def test_rosenbrock_minimum_and_shape_check():
    x_star = torch.tensor([2.0, 4.0], dtype=torch.float64)
    assert L.rosenbrock(x_star, a=2.0) == 0
    assert_close(torch.func.grad(lambda x: L.rosenbrock(x, a=2.0))(x_star), torch.zeros(2, dtype=torch.float64))
    assert L.rosenbrock(torch.zeros(5, 4, 2)).shape == (5, 4)
    with pytest.raises(ValueError, match=r"points of shape \(..., 2\)"):
        L.rosenbrock(torch.zeros(3))


def small_model(seed=0):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2)).double()
    return model, randn(16, 4, seed=seed + 1), randn(16, 2, seed=seed + 2)


def test_parameter_path_matches_a_hand_written_loop_and_leaves_the_model_alone():
    model, X, y = small_model()
    before = copy.deepcopy(model.state_dict())
    path = L.parameter_path(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), model, X, y, steps=7)
    P = sum(p.numel() for p in model.parameters())
    assert path.shape == (8, P)
    for name, value in model.state_dict().items():  # the path was walked by a copy
        assert torch.equal(value, before[name])
    assert_close(path[0], flat_parameters(model))

    twin = copy.deepcopy(model)
    optimizer = torch.optim.SGD(twin.parameters(), lr=0.1, momentum=0.9)
    for t in range(1, 8):
        optimizer.zero_grad()
        ((twin(X) - y) ** 2).mean().backward()
        optimizer.step()
        assert_close(path[t], torch.cat([p.detach().reshape(-1) for p in twin.parameters()]))


def test_parameter_path_checks_its_arguments():
    model, X, y = small_model()
    assert L.parameter_path(lambda p: torch.optim.SGD(p, lr=0.1), model, X, y, steps=0).shape[0] == 1
    with pytest.raises(ValueError, match=r"model\(X\) has shape \(16, 2\) but y has \(16, 3\)"):
        L.parameter_path(lambda p: torch.optim.SGD(p, lr=0.1), model, X, randn(16, 3), steps=2)
    with pytest.raises(ValueError, match="steps must be a non-negative int"):
        L.parameter_path(lambda p: torch.optim.SGD(p, lr=0.1), model, X, y, steps=2.0)
