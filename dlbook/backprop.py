"""Backpropagation written by hand for an MLP, gradient-checking and init helpers, and the Hessian
of a small network with its diagonal and outer-product (Gauss–Newton) approximations (PRML §5.4).

Conventions (one row per example): ``Zˡ = Aˡ⁻¹ Wˡᵀ + bˡ`` and ``Aˡ = h(Zˡ)``, with ``A⁰ = X`` and a linear
output layer ``L``; ``Δˡ = ∂Loss/∂Zˡ``. The column-vector formulas of the chapter,
``δˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ ⊙ h'(zˡ)`` and ``∂Loss/∂Wˡ = δˡ (aˡ⁻¹)ᵀ``, become ``Δˡ = (Δˡ⁺¹ Wˡ⁺¹) ⊙ h'(Zˡ)``
and ``∂Loss/∂Wˡ = (Δˡ)ᵀ Aˡ⁻¹`` (the outer products summed over the rows). ``h``, ``h'`` and ``h''`` come from
:mod:`dlbook.activations` (chapter 1).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Callable

import torch
from torch.utils.flop_counter import FlopCounterMode
from torch import nn
from torch.nn import functional as F

from . import activations, landscapes


def layers_of(model: nn.Module) -> tuple[list[torch.Tensor], list[torch.Tensor], str]:
    """The weights ``Wˡ: (out, in)``, biases ``bˡ: (out,)`` (detached float64 copies) and activation of an MLP."""
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not linears or not hasattr(model, "activation"):
        raise TypeError(f"expected a dlbook.mlp.MLP, got {type(model).__name__}")
    weights = [m.weight.detach().double().clone() for m in linears]
    return weights, [m.bias.detach().double().clone() for m in linears], model.activation


def forward(weights, biases, X: torch.Tensor, activation: str = "tanh"):
    """The forward pass, keeping what backprop needs: ``Z = [Z¹, …, Zᴸ]`` and ``A = [A⁰ = X, …, Aᴸ⁻¹]``."""
    h = activations.get(activation).function
    Z, A = [], [X]
    for l, (W, b) in enumerate(zip(weights, biases)):
        if A[-1].shape[-1] != W.shape[1]:
            raise ValueError(f"layer {l + 1} expects {W.shape[1]} inputs, got an input of shape {tuple(A[-1].shape)}")
        Z.append(A[-1] @ W.T + b)  # zˡ = Wˡ aˡ⁻¹ + bˡ
        if l < len(weights) - 1:
            A.append(h(Z[-1]))     # aˡ = h(zˡ)
    return Z, A


def output_delta(output: torch.Tensor, target: torch.Tensor, loss: str) -> torch.Tensor:
    """``Δᴸ = ∂Loss/∂Zᴸ`` for the mean losses of torch: ``"mse"`` (``F.mse_loss``) gives ``2 (y − t) / (N K)``;
    ``"cross_entropy"`` (``F.cross_entropy``, integer targets) gives ``(softmax(z) − onehot(t)) / N``."""
    N, K = output.shape
    if loss == "mse":
        return 2 * (output - target) / (N * K)
    if loss == "cross_entropy":
        return (torch.softmax(output, dim=1) - F.one_hot(target, K).to(output.dtype)) / N
    raise ValueError(f"loss must be 'mse' or 'cross_entropy', got {loss!r}")


@dataclass
class Gradients:
    deltas: list[torch.Tensor]        # Δˡ = ∂Loss/∂Zˡ, (N, out) per layer
    weight_grads: list[torch.Tensor]  # ∂Loss/∂Wˡ, (out, in)
    bias_grads: list[torch.Tensor]    # ∂Loss/∂bˡ, (out,)


def backprop(weights, biases, X: torch.Tensor, target: torch.Tensor, *, activation: str = "tanh",
             loss: str = "mse") -> Gradients:
    """Every ``Δˡ`` and parameter gradient of ``loss(MLP(X), target)`` by the backward recursion."""
    h_prime = activations.get(activation).derivative
    Z, A = forward(weights, biases, X, activation)
    deltas = [output_delta(Z[-1], target, loss)]
    for l in range(len(weights) - 2, -1, -1):
        deltas.insert(0, (deltas[0] @ weights[l + 1]) * h_prime(Z[l]))  # δˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ ⊙ h'(zˡ)
    weight_grads = [D.T @ a for D, a in zip(deltas, A)]               # ∂L/∂Wˡ = Σₙ δˡ (aˡ⁻¹)ᵀ
    bias_grads = [D.sum(dim=0) for D in deltas]                       # ∂L/∂bˡ = Σₙ δˡ
    return Gradients(deltas, weight_grads, bias_grads)


def loss_value(output: torch.Tensor, target: torch.Tensor, loss: str) -> torch.Tensor:
    """The scalar loss of a network's ``output: (N, K)``: ``"mse"`` and ``"cross_entropy"`` are torch's means,
    ``"sum_squares"`` and ``"logistic"`` the errors summed over examples of the Hessian section (``K = 1``)."""
    if loss == "mse":
        return F.mse_loss(output, target)
    if loss == "cross_entropy":
        return F.cross_entropy(output, target)
    if loss in LOSSES:
        return summed_error(output, target, loss)
    raise ValueError(f"loss must be one of 'mse', 'cross_entropy', {', '.join(map(repr, LOSSES))}; got {loss!r}")


def preactivation_gradients(model: nn.Module, X: torch.Tensor, target: torch.Tensor, loss: str) -> list[torch.Tensor]:
    """By torch autograd, independently of :func:`backprop`: ``∂Loss/∂Zˡ: (N, d_l)`` for every layer of a
    dlbook MLP (``loss`` as in :func:`loss_value`). Runs ``model`` as it is (its dtype) and leaves ``.grad`` alone."""
    layers_of(model)  # a dlbook MLP, or a clear TypeError
    Z, x = [], X if X.requires_grad else X.detach().requires_grad_()  # so Zˡ is in a graph even if θ is frozen
    for layer in model:
        x = layer(x)
        if isinstance(layer, nn.Linear):
            Z.append(x)  # zˡ, kept in the graph
    return list(torch.autograd.grad(loss_value(x, target, loss), Z))


# ---------------------------------------------------------------- counting the work

def matmul_flops(fn: Callable[[], object]) -> int:
    """Floating-point operations in the matrix products that ``fn()`` runs (2 per multiply–add), counted by
    torch's ``FlopCounterMode`` — an operation count, independent of the machine and of its load."""
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops()


class BackwardCounter:
    """Wraps ``f: (n,) → (m,)`` and counts the backward passes that reach its output: ``counter.passes``."""

    def __init__(self, f: Callable[[torch.Tensor], torch.Tensor]):
        self.f, self.passes = f, 0

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        y = self.f(x)
        if y.requires_grad:
            y.register_hook(self._count)  # runs once per backward pass through y
        return y

    def _count(self, grad: torch.Tensor) -> None:
        self.passes += 1


# ---------------------------------------------------------------- initialisation, dead units

def gaussian_init_(model: nn.Module, scale: float) -> nn.Module:
    """Draw every ``Wˡ ~ N(0, scale² / fan_in)`` and set every bias to 0, in place."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Linear):
                m.weight.normal_(0.0, scale / m.in_features ** 0.5)
                m.bias.zero_()
    return model


def dead_units(model: nn.Sequential, X: torch.Tensor) -> list[int]:
    """For each ReLU of ``model``: how many of its units output 0 for every row of ``X``."""
    counts, x = [], X
    with torch.no_grad():
        for layer in model:
            x = layer(x)
            if isinstance(layer, nn.ReLU):
                counts.append(int((x <= 0).all(dim=0).sum()))
    return counts


# ---------------------------------------------------------------- the Hessian and its approximations
# A network with one output, error summed over examples as in PRML: E = ½ Σ (yₙ − tₙ)² ("sum_squares", y = a),
# or E = −Σ [tₙ ln yₙ + (1 − tₙ) ln(1 − yₙ)] with yₙ = σ(aₙ) ("logistic"). θ: all parameters, flattened.
LOSSES = ("sum_squares", "logistic")


def _check_loss(loss: str) -> str:
    if loss not in LOSSES:
        raise ValueError(f"loss must be 'sum_squares' or 'logistic', got {loss!r}")
    return loss


def flat_parameters(model: nn.Module) -> torch.Tensor:
    """All parameters in ``model.parameters()`` order, flattened into one float64 vector ``θ: (P,)``."""
    return landscapes.flat_parameters(model).double()


def output_function(model: nn.Module, X: torch.Tensor) -> Callable[[torch.Tensor], torch.Tensor]:
    """``θ ↦ a(θ): (N,)``, the network's (pre-sigmoid) output on ``X`` as a function of ``θ: (P,)``."""
    names = [n for n, _ in model.named_parameters()]
    shapes = [p.shape for p in model.parameters()]
    X = X.double()

    def a(theta: torch.Tensor) -> torch.Tensor:
        pieces = torch.split(theta, [s.numel() for s in shapes])
        params = {n: piece.reshape(s) for n, piece, s in zip(names, pieces, shapes)}
        out = torch.func.functional_call(model, params, (X,))
        if out.shape[-1] != 1:
            raise ValueError(f"the Hessian helpers need a network with one output, got {tuple(out.shape)}")
        return out.reshape(-1)
    return a


def example_errors(a: torch.Tensor, t: torch.Tensor, loss: str) -> torch.Tensor:
    """``Eₙ`` of every example from its output ``a: (N,)`` and target ``t: (N,)`` → ``(N,)``."""
    if _check_loss(loss) == "sum_squares":
        return 0.5 * (a - t) ** 2
    return F.softplus(a) - t * a  # −[t ln σ(a) + (1−t) ln(1−σ(a))] = softplus(a) − t a, written stably


def summed_error(output: torch.Tensor, t: torch.Tensor, loss: str) -> torch.Tensor:
    """``E = Σₙ Eₙ`` (a scalar) from a one-output network's ``output: (N,) or (N, 1)`` and ``t: (N,)``;
    usable as ``fit``'s ``loss_fn`` through ``functools.partial(summed_error, loss=...)``."""
    if output.numel() != t.numel():
        raise ValueError(f"summed_error needs one output per target, got shapes {tuple(output.shape)} and {tuple(t.shape)}")
    return example_errors(output.reshape(-1), t.reshape(-1), loss).sum()


def error_function(model: nn.Module, X: torch.Tensor, t: torch.Tensor, loss: str) -> Callable:
    """``θ ↦ E(θ) = Σₙ Eₙ``, the summed error of ``model`` on ``(X, t)`` (``loss``: "sum_squares" or "logistic")."""
    a, t, loss = output_function(model, X), t.double().reshape(-1), _check_loss(loss)
    return lambda theta: summed_error(a(theta), t, loss)


def exact_hessian(model: nn.Module, X: torch.Tensor, t: torch.Tensor, loss: str) -> torch.Tensor:
    """``H = ∇∇E: (P, P)`` by autograd (double backprop through every parameter)."""
    return torch.autograd.functional.hessian(error_function(model, X, t, loss), flat_parameters(model))


def _output_curvature(a: torch.Tensor, loss: str) -> torch.Tensor:
    """``∂²Eₙ/∂aₙ²``: 1 for sum-of-squares, ``yₙ(1 − yₙ)`` for a logistic output."""
    return torch.ones_like(a) if _check_loss(loss) == "sum_squares" else torch.sigmoid(a) * (1 - torch.sigmoid(a))


def outer_product_hessian(model: nn.Module, X: torch.Tensor, t: torch.Tensor, loss: str) -> torch.Tensor:
    """``H ≈ Σₙ cₙ bₙ bₙᵀ`` with ``bₙ = ∇θ aₙ`` and ``cₙ = ∂²Eₙ/∂aₙ²`` (1, or ``yₙ(1 − yₙ)``): ``(P, P)``."""
    _check_loss(loss)
    a, theta = output_function(model, X), flat_parameters(model)
    B = torch.func.jacrev(a)(theta)  # row n is bₙᵀ: (N, P)
    c = _output_curvature(a(theta), loss)
    return B.T @ (c[:, None] * B)


def preactivation_derivatives(model: nn.Module, X: torch.Tensor, t: torch.Tensor,
                              loss: str) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """By autograd, for every layer ``l`` and example ``n``: ``∂Eₙ/∂zˡ: (N, d_l)`` and the full
    ``∂²Eₙ/∂zˡ∂zˡ: (N, d_l, d_l)``, cross terms included (the reference for the diagonal approximation)."""
    weights, _, _ = layers_of(model)
    if weights[-1].shape[0] != 1:
        raise ValueError(f"the Hessian helpers need a network with one output, got {weights[-1].shape[0]}")
    _check_loss(loss)
    double_model, X, t = copy.deepcopy(model).double(), X.double(), t.double().reshape(-1)
    deltas = preactivation_gradients(double_model, X, t, loss)  # ∂E/∂zˡ = ∂Eₙ/∂zˡ row by row (E = Σₙ Eₙ)
    layers, hessians = list(double_model), []
    for i, layer in enumerate(layers):
        if not isinstance(layer, nn.Linear):
            continue
        with torch.no_grad():
            Z = nn.Sequential(*layers[: i + 1])(X)  # zˡ of every example: (N, d_l)

        def E(Z, tail=nn.Sequential(*layers[i + 1:])):  # Σₙ Eₙ as a function of the zˡ of every example
            return summed_error(tail(Z), t, loss)

        H = torch.autograd.functional.hessian(E, Z)  # (N, d, N, d): zero between two different examples
        n = torch.arange(len(Z))
        hessians.append(H[n, :, n, :])  # each example with itself: (N, d, d)
    return deltas, hessians


def diagonal_from_curvatures(S: list[torch.Tensor], A: list[torch.Tensor]) -> torch.Tensor:
    """The Hessian's diagonal ``(P,)`` in ``parameters()`` order from ``Sˡ = ∂²Eₙ/∂(zˡⱼ)²: (N, d_l)`` and the
    layer inputs ``Aˡ⁻¹: (N, d_{l-1})``: ``∂²E/∂(wˡⱼᵢ)² = Σₙ Sˡₙⱼ (aˡ⁻¹ₙᵢ)²`` and ``∂²E/∂(bˡⱼ)² = Σₙ Sˡₙⱼ``."""
    if len(S) != len(A):
        raise ValueError(f"one curvature per layer input is needed, got {len(S)} curvatures and {len(A)} inputs")
    parts = []
    for s, a_prev in zip(S, A):
        parts += [(s.T @ a_prev ** 2).reshape(-1), s.sum(dim=0)]  # weights (row-major), then biases
    return torch.cat(parts)


def diagonal_hessian(model: nn.Module, X: torch.Tensor, t: torch.Tensor, loss: str) -> torch.Tensor:
    """The diagonal approximation ``(P,)``: second derivatives backpropagated with the cross terms dropped,
    ``∂²E/∂zʲ² ≈ h'(zⱼ)² Σₖ wₖⱼ² ∂²E/∂zₖ² + h''(zⱼ) Σₖ wₖⱼ ∂E/∂zₖ`` and ``∂²E/∂wⱼᵢ² ≈ ∂²E/∂zⱼ² aᵢ²``."""
    weights, biases, activation = layers_of(model)
    act = activations.get(activation)
    if act.second_derivative is None:
        raise ValueError(f"the diagonal Hessian needs h'', which dlbook.activations does not give for {activation!r}")
    h1, h2 = act.derivative, act.second_derivative
    Z, A = forward(weights, biases, X.double(), activation)
    a = Z[-1].reshape(-1)
    t = t.double().reshape(-1)
    y = a if _check_loss(loss) == "sum_squares" else torch.sigmoid(a)
    D, S = [(y - t)[:, None]], [_output_curvature(a, loss)[:, None]]  # ∂Eₙ/∂aₙ = yₙ − tₙ in both cases
    for l in range(len(weights) - 2, -1, -1):
        W = weights[l + 1]
        S.insert(0, h1(Z[l]) ** 2 * (S[0] @ W ** 2) + h2(Z[l]) * (D[0] @ W))
        D.insert(0, h1(Z[l]) * (D[0] @ W))
    return diagonal_from_curvatures(S, A)


def hvp(f: Callable[[torch.Tensor], torch.Tensor], theta: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """``H v`` without forming ``H``: differentiate ``∇f(θ) · v`` once more (double backprop)."""
    theta = theta.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(f(theta), theta, create_graph=True)  # keep the graph of the gradient
    (Hv,) = torch.autograd.grad(g @ v, theta)
    return Hv


def relative_frobenius(approx: torch.Tensor, exact: torch.Tensor) -> float:
    """``‖approx − exact‖_F / ‖exact‖_F``."""
    return float(torch.linalg.norm(approx - exact) / torch.linalg.norm(exact))
