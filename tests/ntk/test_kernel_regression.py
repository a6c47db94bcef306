import pytest
import torch
from hypothesis import given, settings, strategies as st

from dlbook import check
from dlbook.ntk import ntk_prediction


def linear_problem(n, m, p, seed):
    gen = torch.Generator().manual_seed(seed)
    phi = torch.randn(n, p, generator=gen, dtype=torch.float64)  # features of the training inputs
    phi_test = torch.randn(m, p, generator=gen, dtype=torch.float64)
    y = torch.randn(n, generator=gen, dtype=torch.float64)
    w0 = torch.randn(p, generator=gen, dtype=torch.float64)
    return phi, phi_test, y, w0


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5), st.integers(1, 8), st.integers(0, 40), st.integers(0, 9))
def test_matches_gradient_descent_on_a_linear_model(n, m, p, steps, seed):
    phi, phi_test, y, w0 = linear_problem(n, m, p, seed)
    kernel = phi @ phi.T  # the NTK of f(x) = w·φ(x)
    lr = 0.9 * n / float(torch.linalg.eigvalsh(kernel).max())
    w = w0.clone()
    for _ in range(steps):  # L = (1/2N) Σ (φw − y)², ∇L = φᵀ(φw − y)/N
        w = w - lr * phi.T @ (phi @ w - y) / n
    predicted = ntk_prediction(phi_test @ phi.T, kernel, y, f0_test=phi_test @ w0, f0_train=phi @ w0,
                               lr=lr, steps=steps)
    check.close(predicted, phi_test @ w, atol=1e-9)


def test_infinite_time_is_kernel_regression():
    phi, phi_test, y, w0 = linear_problem(5, 4, 9, 0)
    kernel, cross = phi @ phi.T, phi_test @ phi.T
    expected = phi_test @ w0 + cross @ torch.linalg.solve(kernel, y - phi @ w0)
    limit = ntk_prediction(cross, kernel, y, f0_test=phi_test @ w0, f0_train=phi @ w0)
    check.close(limit, expected, atol=1e-10)
    lr = 0.5 * 5 / float(torch.linalg.eigvalsh(kernel).max())
    long = ntk_prediction(cross, kernel, y, f0_test=phi_test @ w0, f0_train=phi @ w0, lr=lr, steps=200_000)
    check.close(long, expected, atol=1e-8)
    check.close(ntk_prediction(cross, kernel, y, lr=lr, steps=0), torch.zeros(4, dtype=torch.float64), atol=0)


def test_bad_input_names_the_problem():
    k, kx, y = torch.eye(3, dtype=torch.float64), torch.ones(2, 3, dtype=torch.float64), torch.ones(3)
    with pytest.raises(ValueError, match=r"k_train_train must have shape \(3, 3\)"):
        ntk_prediction(kx, torch.eye(4), y)
    with pytest.raises(ValueError, match=r"k_test_train must have shape \(·, 3\)"):
        ntk_prediction(torch.ones(2, 4), k, y)
    with pytest.raises(ValueError, match=r"f0_test must have shape \(2,\)"):
        ntk_prediction(kx, k, y, f0_test=torch.zeros(3))
    with pytest.raises(ValueError, match="needs the learning rate"):
        ntk_prediction(kx, k, y, steps=3)
    with pytest.raises(ValueError, match="diverges"):
        ntk_prediction(kx, k, y, steps=3, lr=10.0)
    with pytest.raises(ValueError, match="symmetric"):
        ntk_prediction(kx, torch.triu(torch.ones(3, 3)), y)
    with pytest.raises(TypeError, match="y_train must be a floating-point"):
        ntk_prediction(kx, k, torch.ones(3, dtype=torch.long))
    with pytest.raises(ValueError, match="steps must be at least 0"):
        ntk_prediction(kx, k, y, steps=-1, lr=0.1)
    with pytest.raises(ValueError, match="lr must be positive"):
        ntk_prediction(kx, k, y, steps=1, lr=0.0)
