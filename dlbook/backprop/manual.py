"""Backpropagation written by hand for an MLP: the forward pass that keeps what backward
needs, and the backward recursion for the deltas and the weight gradients.

Conventions (one row per example): ``Zˡ = Aˡ⁻¹ Wˡᵀ + bˡ`` and ``Aˡ = h(Zˡ)``, with ``A⁰ =
X`` and a linear output layer ``L``; ``Δˡ = ∂Loss/∂Zˡ``. The column-vector formulas of the
chapter, ``δˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ ⊙ h'(zˡ)`` and ``∂Loss/∂Wˡ = δˡ (aˡ⁻¹)ᵀ``, become ``Δˡ =
(Δˡ⁺¹ Wˡ⁺¹) ⊙ h'(Zˡ)`` and ``∂Loss/∂Wˡ = (Δˡ)ᵀ Aˡ⁻¹`` (the outer products summed over the
rows). ``h``, ``h'`` and ``h''`` come from :mod:`dlbook.perceptron_mlp.activations`
(chapter 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from ..perceptron_mlp import activations
from .errors import LOSSES, summed_error


def layers_of(model: nn.Module) -> tuple[list[torch.Tensor], list[torch.Tensor], str]:
    """The weights ``Wˡ: (out, in)``, biases ``bˡ: (out,)`` (detached float64 copies) and
    activation of an MLP."""
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not linears or not hasattr(model, "activation"):
        raise TypeError(
            f"expected a dlbook.perceptron_mlp.MLP, got {type(model).__name__}"
        )
    weights = [m.weight.detach().double().clone() for m in linears]
    return weights, [m.bias.detach().double().clone() for m in linears], model.activation


def forward(weights, biases, X: torch.Tensor, activation: str = "tanh"):
    """The forward pass, keeping what backprop needs: ``Z = [Z¹, …, Zᴸ]`` and ``A = [A⁰ =
    X, …, Aᴸ⁻¹]``."""
    h = activations.get(activation).function
    Z, A = [], [X]
    for l, (W, b) in enumerate(zip(weights, biases)):
        if A[-1].shape[-1] != W.shape[1]:
            raise ValueError(
                f"layer {l + 1} expects {W.shape[1]} inputs, got an input of shape"
                f" {tuple(A[-1].shape)}"
            )
        Z.append(A[-1] @ W.T + b)  # zˡ = Wˡ aˡ⁻¹ + bˡ
        if l < len(weights) - 1:
            A.append(h(Z[-1]))  # aˡ = h(zˡ)
    return Z, A


def output_delta(output: torch.Tensor, target: torch.Tensor, loss: str) -> torch.Tensor:
    """``Δᴸ = ∂Loss/∂Zᴸ`` for the mean losses of torch: ``"mse"`` (``F.mse_loss``) gives
    ``2 (y − t) / (N K)``; ``"cross_entropy"`` (``F.cross_entropy``, integer targets)
    gives ``(softmax(z) − onehot(t)) / N``.
    """
    N, K = output.shape
    if loss == "mse":
        return 2 * (output - target) / (N * K)
    if loss == "cross_entropy":
        return (torch.softmax(output, dim=1) - F.one_hot(target, K).to(output.dtype)) / N
    raise ValueError(f"loss must be 'mse' or 'cross_entropy', got {loss!r}")


@dataclass
class Gradients:
    deltas: list[torch.Tensor]  # Δˡ = ∂Loss/∂Zˡ, (N, out) per layer
    weight_grads: list[torch.Tensor]  # ∂Loss/∂Wˡ, (out, in)
    bias_grads: list[torch.Tensor]  # ∂Loss/∂bˡ, (out,)


def backprop(
    weights,
    biases,
    X: torch.Tensor,
    target: torch.Tensor,
    *,
    activation: str = "tanh",
    loss: str = "mse",
) -> Gradients:
    """Every ``Δˡ`` and parameter gradient of ``loss(MLP(X), target)`` by the backward
    recursion."""
    h_prime = activations.get(activation).derivative
    Z, A = forward(weights, biases, X, activation)
    deltas = [output_delta(Z[-1], target, loss)]
    for l in range(len(weights) - 2, -1, -1):
        deltas.insert(
            0, (deltas[0] @ weights[l + 1]) * h_prime(Z[l])
        )  # δˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ ⊙ h'(zˡ)
    weight_grads = [D.T @ a for D, a in zip(deltas, A)]  # ∂L/∂Wˡ = Σₙ δˡ (aˡ⁻¹)ᵀ
    bias_grads = [D.sum(dim=0) for D in deltas]  # ∂L/∂bˡ = Σₙ δˡ
    return Gradients(deltas, weight_grads, bias_grads)


def loss_value(output: torch.Tensor, target: torch.Tensor, loss: str) -> torch.Tensor:
    """The scalar loss of a network's ``output: (N, K)``: ``"mse"`` and
    ``"cross_entropy"`` are torch's means, ``"sum_squares"`` and ``"logistic"`` the errors
    summed over examples of the Hessian section (``K = 1``).
    """
    if loss == "mse":
        return F.mse_loss(output, target)
    if loss == "cross_entropy":
        return F.cross_entropy(output, target)
    if loss in LOSSES:
        return summed_error(output, target, loss)
    raise ValueError(
        f"loss must be one of 'mse', 'cross_entropy', {', '.join(map(repr, LOSSES))}; got"
        f" {loss!r}"
    )


def preactivation_gradients(
    model: nn.Module, X: torch.Tensor, target: torch.Tensor, loss: str
) -> list[torch.Tensor]:
    """By torch autograd, independently of :func:`backprop`: ``∂Loss/∂Zˡ: (N, d_l)`` for
    every layer of a dlbook MLP (``loss`` as in :func:`loss_value`). Runs ``model`` as it
    is (its dtype) and leaves ``.grad`` alone.
    """
    layers_of(model)  # a dlbook MLP, or a clear TypeError
    Z, x = [], (
        X if X.requires_grad else X.detach().requires_grad_()
    )  # so Zˡ is in a graph even if θ is frozen
    for layer in model:
        x = layer(x)
        if isinstance(layer, nn.Linear):
            Z.append(x)  # zˡ, kept in the graph
    return list(torch.autograd.grad(loss_value(x, target, loss), Z))
