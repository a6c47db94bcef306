"""The Hessian of a small network, and its diagonal and outer-product (Gauss–Newton)
approximations (PRML §5.4)."""

from __future__ import annotations

import copy
from typing import Callable

import torch
from torch import nn
from torch.nn import functional as F

from ..perceptron_mlp import activations
from ..probe import flat_parameters, parameters_from_flat
from .errors import check_loss, summed_error
from .manual import forward, layers_of, preactivation_gradients

# θ: all parameters of a one-output network, flattened in model.parameters() order.


def output_function(
    model: nn.Module, X: torch.Tensor
) -> Callable[[torch.Tensor], torch.Tensor]:
    """``θ ↦ z(θ): (N,)``, the network's (pre-sigmoid) output on ``X`` as a function of
    ``θ: (P,)``."""
    X = X.double()

    def z(theta: torch.Tensor) -> torch.Tensor:
        params = parameters_from_flat(model, theta)
        out = torch.func.functional_call(model, params, (X,))
        if out.shape[-1] != 1:
            raise ValueError(
                "the Hessian helpers need a network with one output, got"
                f" {tuple(out.shape)}"
            )
        return out.reshape(-1)

    return z


def error_function(
    model: nn.Module, X: torch.Tensor, t: torch.Tensor, loss: str
) -> Callable:
    """``θ ↦ E(θ) = Σₙ Eₙ``, the summed error of ``model`` on ``(X, t)`` (``loss``:
    "sum_squares" or "logistic")."""
    z, t, loss = output_function(model, X), t.double().reshape(-1), check_loss(loss)
    return lambda theta: summed_error(z(theta), t, loss)


def exact_hessian(
    model: nn.Module, X: torch.Tensor, t: torch.Tensor, loss: str
) -> torch.Tensor:
    """``H = ∇∇E: (P, P)`` by autograd (double backprop through every parameter)."""
    return torch.autograd.functional.hessian(
        error_function(model, X, t, loss), flat_parameters(model, torch.float64)
    )


def _output_curvature(z: torch.Tensor, loss: str) -> torch.Tensor:
    """``∂²Eₙ/∂zₙ²``: 1 for sum-of-squares, ``yₙ(1 − yₙ)`` for a logistic output."""
    return (
        torch.ones_like(z)
        if check_loss(loss) == "sum_squares"
        else torch.sigmoid(z) * (1 - torch.sigmoid(z))
    )


def outer_product_hessian(
    model: nn.Module, X: torch.Tensor, t: torch.Tensor, loss: str
) -> torch.Tensor:
    """``H ≈ Σₙ cₙ bₙ bₙᵀ`` with ``bₙ = ∇θ zₙ`` and ``cₙ = ∂²Eₙ/∂zₙ²`` (1, or ``yₙ(1 −
    yₙ)``): ``(P, P)``."""
    check_loss(loss)
    z, theta = output_function(model, X), flat_parameters(model, torch.float64)
    B = torch.func.jacrev(z)(theta)  # row n is bₙᵀ: (N, P)
    c = _output_curvature(z(theta), loss)
    return B.T @ (c[:, None] * B)


def preactivation_derivatives(
    model: nn.Module, X: torch.Tensor, t: torch.Tensor, loss: str
) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """By autograd, for every layer ``l`` and example ``n``: ``∂Eₙ/∂zˡ: (N, d_l)`` and the
    full ``∂²Eₙ/∂zˡ∂zˡ: (N, d_l, d_l)``, cross terms included (the reference for the
    diagonal approximation).
    """
    weights, _, _ = layers_of(model)
    if weights[-1].shape[0] != 1:
        raise ValueError(
            "the Hessian helpers need a network with one output, got"
            f" {weights[-1].shape[0]}"
        )
    check_loss(loss)
    double_model, X, t = copy.deepcopy(model).double(), X.double(), t.double().reshape(-1)
    deltas = preactivation_gradients(
        double_model, X, t, loss
    )  # ∂E/∂zˡ = ∂Eₙ/∂zˡ row by row (E = Σₙ Eₙ)
    layers, hessians = list(double_model), []
    for i, layer in enumerate(layers):
        if not isinstance(layer, nn.Linear):
            continue
        with torch.no_grad():
            Z = nn.Sequential(*layers[: i + 1])(X)  # zˡ of every example: (N, d_l)

        def E(
            Z, tail=nn.Sequential(*layers[i + 1 :])
        ):  # Σₙ Eₙ as a function of the zˡ of every example
            return summed_error(tail(Z), t, loss)

        H = torch.autograd.functional.hessian(
            E, Z
        )  # (N, d, N, d): zero between two different examples
        n = torch.arange(len(Z))
        hessians.append(H[n, :, n, :])  # each example with itself: (N, d, d)
    return deltas, hessians


def diagonal_from_curvatures(
    S: list[torch.Tensor], A: list[torch.Tensor]
) -> torch.Tensor:
    """The Hessian's diagonal ``(P,)`` in ``parameters()`` order from ``Sˡ = ∂²Eₙ/∂(zˡⱼ)²:
    (N, d_l)`` and the layer inputs ``Aˡ⁻¹: (N, d_{l-1})``: ``∂²E/∂(wˡⱼᵢ)² = Σₙ Sˡₙⱼ
    (aˡ⁻¹ₙᵢ)²`` and ``∂²E/∂(bˡⱼ)² = Σₙ Sˡₙⱼ``.
    """
    if len(S) != len(A):
        raise ValueError(
            f"one curvature per layer input is needed, got {len(S)} curvatures and"
            f" {len(A)} inputs"
        )
    parts = []
    for s, a_prev in zip(S, A):
        parts += [
            (s.T @ a_prev**2).reshape(-1),
            s.sum(dim=0),
        ]  # weights (row-major), then biases
    return torch.cat(parts)


def diagonal_hessian(
    model: nn.Module, X: torch.Tensor, t: torch.Tensor, loss: str
) -> torch.Tensor:
    """The diagonal approximation ``(P,)``: second derivatives backpropagated with the
    cross terms dropped, ``∂²E/∂zʲ² ≈ h'(zⱼ)² Σₖ wₖⱼ² ∂²E/∂zₖ² + h''(zⱼ) Σₖ wₖⱼ ∂E/∂zₖ``
    and ``∂²E/∂wⱼᵢ² ≈ ∂²E/∂zⱼ² aᵢ²``.
    """
    weights, biases, activation = layers_of(model)
    act = activations.get(activation)
    if act.second_derivative is None:
        raise ValueError(
            "the diagonal Hessian needs h'', which dlbook.perceptron_mlp.activations"
            f" does not give for {activation!r}"
        )
    h1, h2 = act.derivative, act.second_derivative
    Z, A = forward(weights, biases, X.double(), activation)
    z = Z[-1].reshape(-1)
    t = t.double().reshape(-1)
    y = z if check_loss(loss) == "sum_squares" else torch.sigmoid(z)
    D, S = [(y - t)[:, None]], [
        _output_curvature(z, loss)[:, None]
    ]  # ∂Eₙ/∂zₙ = yₙ − tₙ in both cases
    for l in range(len(weights) - 2, -1, -1):
        W = weights[l + 1]
        S.insert(0, h1(Z[l]) ** 2 * (S[0] @ W**2) + h2(Z[l]) * (D[0] @ W))
        D.insert(0, h1(Z[l]) * (D[0] @ W))
    return diagonal_from_curvatures(S, A)


def hvp(
    f: Callable[[torch.Tensor], torch.Tensor], theta: torch.Tensor, v: torch.Tensor
) -> torch.Tensor:
    """``H v`` without forming ``H``: differentiate ``∇f(θ) · v`` once more (double
    backprop)."""
    theta = theta.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(
        f(theta), theta, create_graph=True
    )  # keep the graph of the gradient
    (Hv,) = torch.autograd.grad(g @ v, theta)
    return Hv


def relative_frobenius(approx: torch.Tensor, exact: torch.Tensor) -> float:
    """``‖approx − exact‖_F / ‖exact‖_F``."""
    return float(torch.linalg.norm(approx - exact) / torch.linalg.norm(exact))
