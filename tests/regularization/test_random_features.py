"""Random-features regression: the feature map, the minimum-norm fit against the closed forms, the
double-descent curve's interpolation."""
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook import regularization as reg

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.mark.parametrize("kind", ["relu", "fourier"])
def test_feature_map_formula_shapes_and_nesting(kind):
    fmap = reg.RandomFeatures(3, 50, kind=kind, seed=1)
    x = torch.randn(7, 3, dtype=torch.float64)
    z = x @ fmap.weight.T + fmap.bias
    expected = math.sqrt(2 / 50) * (torch.relu(z) if kind == "relu" else torch.cos(z))
    torch.testing.assert_close(fmap(x), expected)
    # the first P features, rescaled: nested models
    torch.testing.assert_close(fmap(x, 20), fmap(x)[:, :20] * math.sqrt(50 / 20))
    torch.testing.assert_close(reg.RandomFeatures(3, 50, kind=kind, seed=1)(x), fmap(x))


def test_fourier_features_approximate_the_gaussian_kernel():
    """Random Fourier features: E[φ(x)ᵀφ(y)] = exp(−‖x − y‖²/(2D)) for W ~ N(0, I/D)."""
    D = 4
    fmap = reg.RandomFeatures(D, 200_000, kind="fourier", seed=0)
    x = torch.randn(5, D, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    gram = fmap(x) @ fmap(x).T
    kernel = torch.exp(-torch.cdist(x, x) ** 2 / (2 * D))
    torch.testing.assert_close(gram, kernel, atol=0.02, rtol=0)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(2, 12), p=st.integers(1, 20), seed=st.integers(0, 1000))
def test_min_norm_fit_is_the_pseudo_inverse_solution(n, p, seed):
    gen = torch.Generator().manual_seed(seed)
    Phi = torch.randn(n, p, generator=gen, dtype=torch.float64)
    t = torch.randn(n, generator=gen, dtype=torch.float64)
    w = reg.min_norm_fit(Phi, t)
    if p <= n:        # full column rank: the ordinary least-squares solution
        torch.testing.assert_close(w, torch.linalg.lstsq(Phi, t[:, None]).solution[:, 0])
    else:             # full row rank: it interpolates, and lies in the row space: w = Φᵀ(ΦΦᵀ)⁻¹t
        torch.testing.assert_close(Phi @ w, t)
        torch.testing.assert_close(w, Phi.T @ torch.linalg.solve(Phi @ Phi.T, t))


def test_min_norm_fit_has_the_smallest_norm_among_interpolants():
    gen = torch.Generator().manual_seed(0)
    Phi = torch.randn(5, 12, generator=gen, dtype=torch.float64)
    t = torch.randn(5, generator=gen, dtype=torch.float64)
    w = reg.min_norm_fit(Phi, t)
    null = torch.linalg.svd(Phi).Vh[5:]                     # (7, 12): a basis of Φ's null space
    for _ in range(20):
        other = w + torch.randn(7, generator=gen, dtype=torch.float64) @ null
        torch.testing.assert_close(Phi @ other, t)          # another interpolant ...
        assert other.norm() > w.norm()                      # ... always longer


def test_curve_interpolates_beyond_the_threshold():
    train = reg.single_index_data(30, 5, 0.1, seed=1)
    test = reg.single_index_data(200, 5, 0.1, seed=2)
    fmap = reg.RandomFeatures(5, 240, seed=0)
    curve = reg.random_features_curve(fmap, train, test, [10, 30, 60, 240])
    train_mse, test_mse, norm = curve["train"], curve["test"], curve["norm"]
    assert train_mse.shape == test_mse.shape == norm.shape == (4,)
    assert train_mse[0] > 1e-3                              # P < N: cannot fit every point
    assert (train_mse[2:] < 1e-20).all()                    # P > N: interpolates
    assert test_mse[1] > test_mse[0] and test_mse[1] > test_mse[3]    # the peak at P = N
    assert norm[1] > norm[0] and norm[1] > norm[3]                    # ... where ‖w‖ peaks
    w = reg.min_norm_fit(fmap(train[0], 60), train[1])
    torch.testing.assert_close(norm[2], w.norm())


def test_curve_with_a_penalty_is_the_ridge_fit():
    train = reg.single_index_data(30, 5, 0.1, seed=1)
    test = reg.single_index_data(50, 5, 0.1, seed=2)
    fmap = reg.RandomFeatures(5, 60, kind="fourier", seed=0)
    curve = reg.random_features_curve(fmap, train, test, [20, 60], lam=0.1)
    w = reg.ridge(fmap(train[0], 60), train[1], 0.1)
    torch.testing.assert_close(curve["test"][1], ((fmap(test[0], 60) @ w - test[1]) ** 2).mean())
    torch.testing.assert_close(curve["norm"][1], w.norm())


def test_single_index_data_shares_its_teacher():
    X1, t1 = reg.single_index_data(4000, 3, 0.0, seed=1)
    X2, t2 = reg.single_index_data(10, 3, 0.0, seed=2)
    beta = torch.linalg.lstsq(X1, torch.atanh(t1)[:, None] / 2).solution[:, 0]
    torch.testing.assert_close(t2, torch.tanh(2 * X2 @ beta))
    torch.testing.assert_close(beta.norm(), torch.tensor(1.0, dtype=torch.float64))


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="kind"):
        reg.RandomFeatures(2, 5, kind="sigmoid")
    with pytest.raises(ValueError, match="num_features"):
        reg.RandomFeatures(2, 5)(torch.zeros(3, 2), 6)
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        reg.RandomFeatures(2, 5)(torch.zeros(3, 4))
    with pytest.raises(ValueError, match="features"):
        reg.min_norm_fit(torch.zeros(3, 2), torch.zeros(4))
    with pytest.raises(ValueError, match="noise"):
        reg.single_index_data(3, 2, -1.0)
