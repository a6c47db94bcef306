"""Loss-surface geometry: flat losses, straight paths, Hessian-vector products, power iteration, saddles."""
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from dlbook.optimization import geometry as G
from dlbook.optimization import Quadratic

from helpers import assert_close, randn

pytestmark = pytest.mark.usefixtures("one_thread")


def tiny_problem(seed=0):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2)).double()
    X, y = randn(30, 4, seed=seed + 1), torch.randint(2, (30,), generator=torch.Generator().manual_seed(seed))
    return model, X, y


def test_flat_loss_is_the_models_loss_and_leaves_the_model_alone():
    model, X, y = tiny_problem()
    loss = G.flat_loss(model, F.cross_entropy, X, y)
    theta = G.model_parameters(model)
    assert_close(loss(theta), F.cross_entropy(model(X), y))
    before = G.model_parameters(model)
    loss(theta + 1.0)
    assert_close(G.model_parameters(model), before)
    with pytest.raises(ValueError, match="θ must have shape"):
        loss(theta[:-1])


def test_linear_path_interpolates_between_the_end_points():
    model, X, y = tiny_problem()
    loss = G.flat_loss(model, F.cross_entropy, X, y)
    t0, t1 = G.model_parameters(model), G.model_parameters(model) + randn(23, seed=3)
    path = G.linear_path(loss, t0, t1, [0.0, 0.5, 1.0])
    assert_close(path, torch.stack([loss(t0), loss((t0 + t1) / 2), loss(t1)]).detach())
    with pytest.raises(ValueError, match="differ in shape"):
        G.linear_path(loss, t0, t1[:-1], [0.0])
    with pytest.raises(ValueError, match="flat floating-point vector"):
        G.linear_path(loss, t0.reshape(1, -1), t1, [0.0])


def test_hessian_vector_product_matches_the_full_hessian():
    model, X, y = tiny_problem()
    loss = G.flat_loss(model, F.cross_entropy, X, y)
    theta, v = G.model_parameters(model), randn(23, seed=4)
    H = torch.autograd.functional.hessian(loss, theta)
    assert_close(G.hessian_vector_product(loss, theta, v), H @ v, atol=1e-12, rtol=1e-10)
    with pytest.raises(ValueError, match="shape of theta"):
        G.hessian_vector_product(loss, theta, v[:3])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_power_iteration_finds_the_top_eigenvalue_of_a_tiny_nets_hessian(seed):
    model, X, y = tiny_problem(seed)
    loss = G.flat_loss(model, F.cross_entropy, X, y)
    theta = G.model_parameters(model)
    eigenvalues, vectors = torch.linalg.eigh(torch.autograd.functional.hessian(loss, theta))
    top = int(eigenvalues.abs().argmax())
    value, v = G.top_hessian_eigenvalue(loss, theta, iterations=2000, tol=1e-12)
    assert value == pytest.approx(float(eigenvalues[top]), rel=1e-6)
    assert abs(float(v @ vectors[:, top])) == pytest.approx(1.0, abs=1e-4)


def test_power_iteration_on_a_quadratic_and_bad_iterations():
    q = Quadratic([5.0, 1.0, 0.5])
    value, v = G.top_hessian_eigenvalue(q, torch.ones(3, dtype=torch.float64), iterations=500, tol=1e-14)
    assert value == pytest.approx(5.0) and abs(float(v[0])) == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(ValueError, match="iterations"):
        G.top_hessian_eigenvalue(q, torch.ones(3, dtype=torch.float64), iterations=0)


def test_perturbed_loss_increase_on_a_quadratic_averages_to_the_trace():
    q = Quadratic([4.0, 2.0, 1.0, 1.0])
    rises = G.perturbed_loss_increase(q, torch.zeros(4, dtype=torch.float64), radius=0.1, draws=4000)
    # E[uᵀAu] = tr(A)/P for u uniform on the sphere, so E[ΔL] = ε² tr(A) / (2P)
    assert float(rises.mean()) == pytest.approx(0.01 * 8.0 / 8, rel=0.05)
    assert (rises > 0).all()
    with pytest.raises(ValueError, match="radius"):
        G.perturbed_loss_increase(q, torch.zeros(4, dtype=torch.float64), radius=0.0)


def test_saddle_has_a_negative_curvature_direction_and_two_minima():
    H = torch.autograd.functional.hessian(G.saddle, torch.zeros(2, dtype=torch.float64))
    assert_close(torch.linalg.eigvalsh(H), torch.tensor([-1.0, 1.0], dtype=torch.float64))
    for y0 in (1.0, -1.0):
        point = torch.tensor([0.0, y0], dtype=torch.float64)
        assert_close(torch.func.grad(G.saddle)(point), torch.zeros(2, dtype=torch.float64))
        assert float(G.saddle(point)) == pytest.approx(-0.25)
    with pytest.raises(ValueError, match="shape"):
        G.saddle(torch.zeros(3))
