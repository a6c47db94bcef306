"""L1, L2 and elastic-net penalties, soft thresholding, proximal SGD and regularisation paths: against torch
and against the maths."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn import functional as F

from dlbook import regularization as reg

from helpers import randn


pytestmark = pytest.mark.usefixtures("one_thread")


shapes = st.lists(st.integers(1, 6), min_size=1, max_size=4)


# ------------------------------------------------------------------ penalties and their gradients

@settings(max_examples=25, deadline=None)
@given(shape=shapes, lam=st.floats(0.0, 10.0), seed=st.integers(0, 1000))
def test_l2_penalty_value_and_gradient(shape, lam, seed):
    theta = randn(*shape, seed=seed).requires_grad_(True)
    value = reg.l2_penalty(theta, lam)
    torch.testing.assert_close(value, lam / 2 * torch.linalg.vector_norm(theta) ** 2)
    grad, = torch.autograd.grad(value, theta)
    torch.testing.assert_close(grad, lam * theta.detach())            # the book's convention: ∇ = λθ


@settings(max_examples=25, deadline=None)
@given(shape=shapes, lam=st.floats(0.0, 10.0), seed=st.integers(0, 1000))
def test_l1_penalty_value_and_gradient(shape, lam, seed):
    theta = randn(*shape, seed=seed).requires_grad_(True)
    value = reg.l1_penalty(theta, lam)
    torch.testing.assert_close(value, lam * torch.linalg.vector_norm(theta, ord=1))
    grad, = torch.autograd.grad(value, theta)
    torch.testing.assert_close(grad, lam * torch.sign(theta.detach()))


def test_penalties_sum_over_all_parameters_of_a_model():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double()
    flat = nn.utils.parameters_to_vector(model.parameters())
    torch.testing.assert_close(reg.l2_penalty(model.parameters(), 0.3), 0.15 * flat.pow(2).sum())
    torch.testing.assert_close(reg.l1_penalty(model.parameters(), 0.3), 0.3 * flat.abs().sum())
    # the L2 gradient, parameter by parameter, is λθ
    reg.l2_penalty(model.parameters(), 0.3).backward()
    for p in model.parameters():
        torch.testing.assert_close(p.grad, 0.3 * p.detach())


def test_sgd_weight_decay_is_the_l2_gradient():
    """torch's SGD(weight_decay=λ) on L takes the same steps as SGD on L + (λ/2)‖θ‖²."""
    torch.manual_seed(0)
    a = nn.Linear(4, 1).double()
    b = nn.Linear(4, 1).double()
    b.load_state_dict(a.state_dict())
    X, y, lam = randn(10, 4), randn(10, 1, seed=1), 0.05
    opt_a = torch.optim.SGD(a.parameters(), lr=0.1)
    opt_b = torch.optim.SGD(b.parameters(), lr=0.1, weight_decay=lam)
    for _ in range(5):
        opt_a.zero_grad(), opt_b.zero_grad()
        (F.mse_loss(a(X), y) + reg.l2_penalty(a.parameters(), lam)).backward()
        F.mse_loss(b(X), y).backward()
        opt_a.step(), opt_b.step()
    for p, q in zip(a.parameters(), b.parameters()):
        torch.testing.assert_close(p, q)


@settings(max_examples=25, deadline=None)
@given(lam=st.floats(0.0, 5.0), ratio=st.floats(0.0, 1.0), seed=st.integers(0, 1000))
def test_elastic_net_penalty_mixes_l1_and_l2(lam, ratio, seed):
    theta = randn(7, seed=seed)
    expected = lam * (ratio * theta.abs().sum() + (1 - ratio) / 2 * theta.pow(2).sum())
    torch.testing.assert_close(reg.elastic_net_penalty(theta, lam, ratio), expected)


@pytest.mark.parametrize("bad", [-1e-3, -1.0, float("nan"), float("inf")])
def test_penalties_reject_bad_strength(bad):
    theta = randn(3)
    for penalty in (reg.l2_penalty, reg.l1_penalty, reg.elastic_net_penalty):
        with pytest.raises(ValueError, match="non-negative"):
            penalty(theta, bad)
    with pytest.raises(ValueError, match="non-negative"):
        reg.soft_threshold(theta, bad)
    with pytest.raises(ValueError, match="non-negative"):
        reg.ridge(randn(4, 2), randn(4), bad)
    with pytest.raises(ValueError, match="non-negative"):
        reg.ProximalSGD([torch.zeros(2, requires_grad=True)], lr=0.1, lam=bad)


@pytest.mark.parametrize("ratio", [-0.1, 1.5])
def test_elastic_net_rejects_bad_mix(ratio):
    with pytest.raises(ValueError, match="l1_ratio"):
        reg.elastic_net_penalty(randn(3), 0.1, ratio)
    with pytest.raises(ValueError, match="l1_ratio"):
        reg.prox_elastic_net(randn(3), 0.1, 0.1, ratio)


# ------------------------------------------------------------------ soft thresholding and proximal updates

@settings(max_examples=25, deadline=None)
@given(shape=shapes, t=st.floats(0.0, 3.0), seed=st.integers(0, 1000))
def test_soft_threshold_matches_torch_softshrink(shape, t, seed):
    x = 2 * randn(*shape, seed=seed)
    out = reg.soft_threshold(x, t)
    torch.testing.assert_close(out, F.softshrink(x, t))
    inside = x.abs() <= t
    assert (out[inside] == 0).all()                   # exact zeros, not small numbers
    assert (out[~inside] != 0).all()


def test_soft_threshold_is_the_proximal_map_of_the_l1_norm():
    """Brute force: S(v, t) minimises ½(z − v)² + t|z| over a fine grid of z."""
    v, t = torch.linspace(-3, 3, 61, dtype=torch.float64), 0.7
    z = torch.linspace(-4, 4, 80001, dtype=torch.float64)
    objective = 0.5 * (z[None, :] - v[:, None]) ** 2 + t * z.abs()[None, :]
    best = z[objective.argmin(dim=1)]
    torch.testing.assert_close(reg.soft_threshold(v, t), best, atol=2e-4, rtol=0)


@pytest.mark.parametrize("ratio", [0.0, 0.3, 1.0])
def test_prox_elastic_net_minimises_its_objective(ratio):
    v, step, lam = torch.linspace(-3, 3, 61, dtype=torch.float64), 0.5, 0.8
    z = torch.linspace(-4, 4, 80001, dtype=torch.float64)[None, :]
    objective = 0.5 * (z - v[:, None]) ** 2 + step * lam * (ratio * z.abs() + (1 - ratio) * z ** 2 / 2)
    best = z[0, objective.argmin(dim=1)]
    torch.testing.assert_close(reg.prox_elastic_net(v, step, lam, ratio), best, atol=2e-4, rtol=0)


def lasso_problem(n=40, d=10, seed=0):
    Phi = randn(n, d, seed=seed)
    w_true = torch.zeros(d, dtype=torch.float64)
    w_true[:3] = torch.tensor([2.0, -1.5, 1.0], dtype=torch.float64)
    return Phi, Phi @ w_true + 0.1 * randn(n, seed=seed + 1)


def assert_kkt(Phi, y, w, lam, ratio, tol=1e-6):
    """Optimality of (1/N)‖y − Φw‖² + λ(α‖w‖₁ + (1 − α)/2 ‖w‖²): 0 ∈ ∇smooth + λα∂|w|."""
    g = 2 * Phi.T @ (Phi @ w - y) / len(y) + lam * (1 - ratio) * w
    nonzero = w != 0
    torch.testing.assert_close(g[nonzero], -lam * ratio * torch.sign(w[nonzero]), atol=tol, rtol=0)
    assert (g[~nonzero].abs() <= lam * ratio + tol).all()


def test_proximal_sgd_reaches_exact_zeros_at_the_lasso_optimum():
    Phi, y = lasso_problem()
    lam = 0.2
    w = torch.zeros(Phi.shape[1], dtype=torch.float64, requires_grad=True)
    optimizer = reg.ProximalSGD([w], lr=0.05, lam=lam)
    for _ in range(3000):
        optimizer.zero_grad()
        F.mse_loss(Phi @ w, y).backward()            # the penalty is not in the loss: the prox applies it
        optimizer.step()
    w = w.detach()
    assert (w == 0).sum() >= 5                        # irrelevant features are exactly zero
    assert (w[:3] != 0).all()
    assert_kkt(Phi, y, w, lam, 1.0)


def test_subgradient_descent_does_not_produce_exact_zeros():
    """The contrast the chapter draws: plain SGD on L + λ‖w‖₁ jitters around zero."""
    Phi, y = lasso_problem()
    w = torch.zeros(Phi.shape[1], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.05)
    for _ in range(500):
        optimizer.zero_grad()
        (F.mse_loss(Phi @ w, y) + reg.l1_penalty(w, 0.2)).backward()
        optimizer.step()
    assert (w.detach() == 0).sum() == 0


@pytest.mark.parametrize("ratio", [1.0, 0.5, 0.0])
def test_elastic_net_path_satisfies_the_optimality_conditions(ratio):
    Phi, y = lasso_problem(seed=3)
    lams = torch.logspace(-3, 0.5, 8, dtype=torch.float64)
    W = reg.elastic_net_path(Phi, y, lams, l1_ratio=ratio, steps=3000)
    assert W.shape == (8, Phi.shape[1])
    for lam, w in zip(lams, W):
        assert_kkt(Phi, y, w, lam.item(), ratio)
    if ratio == 0.0:                                  # pure L2: the ridge closed form
        torch.testing.assert_close(W[-1], reg.ridge(Phi, y, lams[-1].item()))
    if ratio == 1.0:                                  # the largest λ leaves more exact zeros than the smallest
        assert (W[-1] == 0).sum() > (W[0] == 0).sum()


def test_ridge_solves_the_normal_equations():
    Phi, y = lasso_problem()
    lam = 0.3
    w = reg.ridge(Phi, y, lam).requires_grad_(True)
    grad, = torch.autograd.grad(F.mse_loss(Phi @ w, y) + reg.l2_penalty(w, lam), w)
    torch.testing.assert_close(grad, torch.zeros_like(grad), atol=1e-12, rtol=0)


def test_linear_gd_path_has_the_closed_form():
    """From w = 0, k steps of GD on (1/N)‖y − Φw‖² give w_k = (I − (I − 2ηH)^k) H⁻¹ b."""
    Phi, y = lasso_problem(n=30, d=4)
    lr, k = 0.1, 25
    path = reg.linear_gd_path(Phi, y, lr, k)
    assert path.shape == (k + 1, 4)
    H, b = Phi.T @ Phi / len(y), Phi.T @ y / len(y)
    I = torch.eye(4, dtype=torch.float64)
    expected = (I - torch.linalg.matrix_power(I - 2 * lr * H, k)) @ torch.linalg.solve(H, b)
    torch.testing.assert_close(path[-1], expected)
    with pytest.raises(ValueError, match="lr"):
        reg.linear_gd_path(Phi, y, 0.0, 3)


def test_proximal_sgd_rejects_bad_lr_and_path_bad_shapes():
    with pytest.raises(ValueError, match="lr"):
        reg.ProximalSGD([torch.zeros(2, requires_grad=True)], lr=0.0)
    with pytest.raises(ValueError, match="features"):
        reg.elastic_net_path(randn(5, 2), randn(4), [0.1])
    with pytest.raises(ValueError, match="non-negative"):
        reg.elastic_net_path(randn(5, 2), randn(5), [0.1, -0.1])


def test_ridge_has_the_half_lambda_closed_form():
    """With the penalty (λ/2)‖w‖² and the MSE, the normal equations are (H + (λ/2)I)w = b."""
    Phi, y = lasso_problem()
    lam = 0.3
    H, b = Phi.T @ Phi / len(y), Phi.T @ y / len(y)
    expected = torch.linalg.solve(H + lam / 2 * torch.eye(Phi.shape[1], dtype=torch.float64), b)
    torch.testing.assert_close(reg.ridge(Phi, y, lam), expected)


@pytest.mark.parametrize("ratio", [1.0, 0.5, 0.0])
def test_elastic_net_path_matches_scikit_learn_at_half_lambda(ratio):
    """Our (1/N)‖y − Φw‖² + λ(α‖w‖₁ + (1 − α)/2 ‖w‖²) is twice scikit-learn's ElasticNet
    objective at alpha = λ/2 and the same l1_ratio, so both have the same minimiser."""
    sklearn = pytest.importorskip("sklearn.linear_model")
    Phi, y = lasso_problem(seed=5)
    lams = torch.tensor([0.01, 0.1, 0.5], dtype=torch.float64)
    W = reg.elastic_net_path(Phi, y, lams, l1_ratio=ratio, steps=5000)
    for lam, w in zip(lams, W):
        if ratio == 0.0:
            model = sklearn.Ridge(alpha=lam.item() / 2 * len(y), fit_intercept=False)
        else:
            model = sklearn.ElasticNet(alpha=lam.item() / 2, l1_ratio=ratio, fit_intercept=False,
                                       tol=1e-12, max_iter=100_000)
        coef = torch.from_numpy(model.fit(Phi.numpy(), y.numpy()).coef_)
        torch.testing.assert_close(w, coef, atol=1e-6, rtol=0)


def underdetermined_problem(n=20, d=50, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return (torch.randn(n, d, generator=gen, dtype=torch.float64),
            torch.randn(n, generator=gen, dtype=torch.float64))


def test_gradient_descent_from_zero_finds_the_minimum_norm_solution():
    """Implicit bias: GD never leaves the row space of Φ, so from 0 it converges to Φ⁺t."""
    Phi, t = underdetermined_problem()
    H = Phi.T @ Phi / len(t)
    lr = 1 / (2 * torch.linalg.eigvalsh(H).max().item())
    w = reg.linear_gd_path(Phi, t, lr, 3000)[-1]
    torch.testing.assert_close(Phi @ w, t, atol=1e-10, rtol=0)              # interpolates
    torch.testing.assert_close(w, torch.linalg.pinv(Phi) @ t, atol=1e-10, rtol=0)


def test_gradient_descent_keeps_the_null_space_part_of_its_start():
    Phi, t = underdetermined_problem(seed=1)
    w0 = torch.randn(Phi.shape[1], generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    H = Phi.T @ Phi / len(t)
    lr = 1 / (2 * torch.linalg.eigvalsh(H).max().item())
    w = reg.linear_gd_path(Phi, t, lr, 3000, start=w0)[-1]
    pinv = torch.linalg.pinv(Phi)
    null_part = w0 - pinv @ (Phi @ w0)                                       # (I − Φ⁺Φ) w₀
    torch.testing.assert_close(w, pinv @ t + null_part, atol=1e-10, rtol=0)
    with pytest.raises(ValueError, match="start"):
        reg.linear_gd_path(Phi, t, lr, 3, start=torch.zeros(3))


def test_ridge_with_more_features_than_points_uses_the_same_solution():
    """The dual form Φᵀ(ΦΦᵀ + (Nλ/2)I)⁻¹y (used when D > N) solves the primal normal equations."""
    Phi, y = underdetermined_problem(n=8, d=30, seed=3)
    lam = 0.05
    w = reg.ridge(Phi, y, lam)
    H, b = Phi.T @ Phi / len(y), Phi.T @ y / len(y)
    torch.testing.assert_close((H + lam / 2 * torch.eye(30, dtype=torch.float64)) @ w, b)


def test_least_squares_problems_name_mismatched_shapes():
    from dlbook.regularization import min_norm_fit, penalties

    Phi, y = torch.randn(5, 3), torch.randn(4)
    for fit in (lambda: penalties.ridge(Phi, y, 0.1), lambda: penalties.linear_gd_path(Phi, y, 0.1, 3),
                lambda: penalties.elastic_net_path(Phi, y, [0.1]), lambda: min_norm_fit(Phi, y)):
        with pytest.raises(ValueError, match=r"need features \(N, D\) and N targets, got \(5, 3\) and \(4,\)"):
            fit()
