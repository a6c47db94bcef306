"""The Hessian of a small network, its outer-product and diagonal approximations, and
Hessian-vector products."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional as F

from dlbook.perceptron_mlp import activations
from dlbook import backprop as bp
from dlbook.perceptron_mlp import MLP
from dlbook.probe import flat_parameters

from .problems import hessian_problem


@pytest.mark.parametrize("loss", ["sum_squares", "logistic"])
def test_exact_hessian_is_symmetric_and_matches_finite_differences_of_the_gradient(loss):
    model, X, t = hessian_problem([3], loss)
    E, theta = bp.error_function(model, X, t, loss), flat_parameters(model, torch.float64)
    H = bp.exact_hessian(model, X, t, loss)
    grad = lambda th: torch.func.grad(E)(th)  # noqa: E731
    h = 1e-5
    columns = [
        (grad(theta + h * e) - grad(theta - h * e)) / (2 * h)
        for e in torch.eye(len(theta), dtype=theta.dtype)
    ]
    torch.testing.assert_close(H, torch.stack(columns, dim=1), rtol=1e-5, atol=1e-7)
    torch.testing.assert_close(H, H.T)


@pytest.mark.parametrize("loss", ["sum_squares", "logistic"])
def test_outer_product_is_the_hessian_minus_the_residual_term(loss):
    model, X, t = hessian_problem([4], loss)
    a, theta = bp.output_function(model, X), flat_parameters(model, torch.float64)
    y = a(theta) if loss == "sum_squares" else torch.sigmoid(a(theta))
    residual = (y - t).detach()
    second_term = torch.autograd.functional.hessian(
        lambda th: (residual * a(th)).sum(), theta
    )  # Σ (yₙ−tₙ) ∇∇aₙ
    exact = bp.exact_hessian(model, X, t, loss)
    torch.testing.assert_close(
        bp.outer_product_hessian(model, X, t, loss) + second_term, exact
    )
    eigenvalues = torch.linalg.eigvalsh(bp.outer_product_hessian(model, X, t, loss))
    assert (
        eigenvalues.min() > -1e-10
    )  # a sum of c bbᵀ with c ≥ 0 is positive semi-definite


@pytest.mark.parametrize("loss", ["sum_squares", "logistic"])
def test_preactivation_derivatives_match_a_per_example_reference(loss):
    model, X, t = hessian_problem([4, 3], loss, seed=2)
    deltas, hessians = bp.preactivation_derivatives(model, X, t, loss)
    assert [tuple(H.shape) for H in hessians] == [(15, 4, 4), (15, 3, 3), (15, 1, 1)]
    # first derivatives: the chapter's backprop with F.mse_loss (mean over N, one output)
    # has δ = 2 (a − t) / N
    W, b, _ = bp.layers_of(model)
    if loss == "sum_squares":
        for mine, ref in zip(
            deltas, bp.backprop(W, b, X, t[:, None], activation="tanh", loss="mse").deltas
        ):
            torch.testing.assert_close(mine, ref * len(X) / 2)
    Z, _ = bp.forward(W, b, X, "tanh")
    a = Z[-1].reshape(-1)
    y = a if loss == "sum_squares" else torch.sigmoid(a)
    torch.testing.assert_close(deltas[-1].reshape(-1), y - t)
    torch.testing.assert_close(
        hessians[-1].reshape(-1),
        torch.ones_like(a) if loss == "sum_squares" else y * (1 - y),
    )

    # second derivatives: one example at a time, through the network from layer 1's
    # pre-activations
    def E_n(z1, n):
        a_n = torch.tanh(torch.tanh(z1) @ W[1].T + b[1]) @ W[2].T + b[2]
        return bp.example_errors(a_n.reshape(-1), t[n : n + 1], loss).sum()

    for n in (0, 7, 14):
        torch.testing.assert_close(
            hessians[0][n],
            torch.autograd.functional.hessian(lambda z: E_n(z, n), Z[0][n]),
        )


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("loss", ["sum_squares", "logistic"])
def test_second_derivatives_backpropagate_with_the_cross_terms(activation, loss):
    """Eq. backprop-diag-exact: ∂²Eₙ/∂zⱼ² = h'(zⱼ)² Σₖₖ' wₖⱼ wₖ'ⱼ ∂²Eₙ/∂zₖ∂zₖ' + h''(zⱼ)
    Σₖ wₖⱼ ∂Eₙ/∂zₖ."""
    model, X, t = hessian_problem([4, 3, 3], loss, seed=3, activation=activation)
    W, b, _ = bp.layers_of(model)
    Z, _ = bp.forward(W, b, X, activation)
    deltas, hessians = bp.preactivation_derivatives(model, X, t, loss)
    h = activations.get(activation)
    for l in range(len(W) - 1):
        cross = torch.einsum(
            "nkm,kj,mj->nj", hessians[l + 1], W[l + 1], W[l + 1]
        )  # Σₖₖ' wₖⱼ wₖ'ⱼ Hₖₖ'
        formula = h.derivative(Z[l]) ** 2 * cross + h.second_derivative(Z[l]) * (
            deltas[l + 1] @ W[l + 1]
        )
        torch.testing.assert_close(
            formula, hessians[l].diagonal(dim1=1, dim2=2), rtol=1e-9, atol=1e-12
        )
        # without the h'' term the formula is off by far more than the tolerance: the
        # check can fail
        assert (
            h.derivative(Z[l]) ** 2 * cross - hessians[l].diagonal(dim1=1, dim2=2)
        ).abs().max() > 1e-5


@pytest.mark.parametrize("loss", ["sum_squares", "logistic"])
def test_exact_curvatures_give_the_exact_diagonal(loss):
    """Eq. backprop-diag-weight: ∂²E/∂wⱼᵢ² = Σₙ ∂²Eₙ/∂zⱼ² aᵢ², on every layer, in
    parameters() order."""
    model, X, t = hessian_problem([4, 3], loss, seed=1)
    W, b, _ = bp.layers_of(model)
    _, A = bp.forward(W, b, X, "tanh")
    _, hessians = bp.preactivation_derivatives(model, X, t, loss)
    S = [H.diagonal(dim1=1, dim2=2) for H in hessians]
    exact = bp.exact_hessian(model, X, t, loss).diag()
    torch.testing.assert_close(
        bp.diagonal_from_curvatures(S, A), exact, rtol=1e-9, atol=1e-12
    )
    with_cross_terms = [
        H.sum(dim=2) for H in hessians
    ]  # Σₖ ∂²Eₙ/∂zⱼ∂zₖ instead of ∂²Eₙ/∂zⱼ²: must not match
    assert (
        bp.relative_frobenius(bp.diagonal_from_curvatures(with_cross_terms, A), exact)
        > 1e-2
    )


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("loss", ["sum_squares", "logistic"])
def test_diagonal_approximation(loss, activation):
    # one hidden layer, one output: no cross terms are dropped, so the diagonal is exact
    model, X, t = hessian_problem([4], loss, activation=activation)
    torch.testing.assert_close(
        bp.diagonal_hessian(model, X, t, loss), bp.exact_hessian(model, X, t, loss).diag()
    )
    # two hidden layers: layers 2 and 3 are exact; layer 1 is what dropping layer 2's
    # cross terms k ≠ k' gives
    model, X, t = hessian_problem([4, 3], loss, seed=1, activation=activation)
    approx, exact = (
        bp.diagonal_hessian(model, X, t, loss),
        bp.exact_hessian(model, X, t, loss).diag(),
    )
    n_first = 2 * 4 + 4
    torch.testing.assert_close(approx[n_first:], exact[n_first:])
    W, b, _ = bp.layers_of(model)
    Z, A = bp.forward(W, b, X, activation)
    deltas, hessians = bp.preactivation_derivatives(
        model, X, t, loss
    )  # autograd, independent of the recursion
    h = activations.get(activation)
    S2 = hessians[1].diagonal(
        dim1=1, dim2=2
    )  # only the diagonal of layer 2's per-example Hessians
    S1 = h.derivative(Z[0]) ** 2 * (S2 @ W[1] ** 2) + h.second_derivative(Z[0]) * (
        deltas[1] @ W[1]
    )
    dropped = bp.diagonal_from_curvatures(
        [S1, S2, hessians[2].diagonal(dim1=1, dim2=2)], A
    )
    torch.testing.assert_close(approx, dropped, rtol=1e-9, atol=1e-12)
    # ... and that is a real approximation: layer 1 is clearly off the exact diagonal
    assert bp.relative_frobenius(approx[:n_first], exact[:n_first]) > 1e-2


def test_hessian_vector_product_by_double_backprop():
    model, X, t = hessian_problem([5], "logistic")
    E, theta = bp.error_function(model, X, t, "logistic"), flat_parameters(
        model, torch.float64
    )
    H = bp.exact_hessian(model, X, t, "logistic")
    v = torch.randn_like(theta)
    torch.testing.assert_close(bp.hvp(E, theta, v), H @ v)
    assert bp.relative_frobenius(H, H) == 0.0
    assert bp.relative_frobenius(2 * H, H) == pytest.approx(1.0)
