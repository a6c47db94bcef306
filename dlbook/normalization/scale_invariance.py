"""How the length of a scale-invariant weight evolves under SGD, with and without weight decay.

A weight ``W`` is *scale-invariant* when the loss does not change as ``W`` is scaled by any
``a > 0`` (a linear layer followed by batch norm, say). Its gradient ``g`` is then orthogonal
to ``W`` and shrinks like ``1/‖W‖``, so ``G = ‖g‖·‖W‖`` (the gradient norm the same direction
would have at ``‖W‖ = 1``) does not depend on the length. Plain SGD with weight decay λ,
``W ← (1 − ηλ) W − η g``, then obeys ``‖W'‖² = (1 − ηλ)² ‖W‖² + η² G² / ‖W‖²``.
"""
from __future__ import annotations

from typing import Callable

import torch


def equilibrium_norm(lr: float, weight_decay: float, unit_grad_norm: float) -> float:
    """The length ``‖W*‖`` at which one SGD step's growth and decay balance.

    Setting ``‖W'‖ = ‖W‖`` in the recursion above gives
    ``‖W*‖⁴ = η G² / (λ (2 − ηλ))``; ``unit_grad_norm`` is ``G``.
    """
    if lr <= 0 or not 0 < weight_decay * lr < 2:
        raise ValueError(f"need lr > 0 and 0 < lr·weight_decay < 2, got lr={lr}, weight_decay={weight_decay}")
    if unit_grad_norm < 0:
        raise ValueError(f"unit_grad_norm must be ≥ 0, got {unit_grad_norm}")
    return (lr * unit_grad_norm**2 / (weight_decay * (2 - lr * weight_decay))) ** 0.25


def sgd_norm_trajectory(loss_fn: Callable[[torch.Tensor, int], torch.Tensor], weight: torch.Tensor, lr: float,
                        steps: int, weight_decay: float = 0.0, momentum: float = 0.0) -> dict[str, torch.Tensor]:
    """Train one weight tensor with ``torch.optim.SGD`` and record its length.

    ``loss_fn(W, t)`` is the loss at step ``t`` (its mini-batch may change with ``t``);
    ``weight``: any shape, copied. Returns ``norm``: ``(steps + 1,)``, ‖W_t‖ before each step
    and after the last; ``unit_grad_norm``: ``(steps,)``, ``G_t = ‖g_t‖·‖W_t‖``;
    ``cos``: ``(steps,)``, the cosine between ``W_t`` and its gradient.
    """
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    w = weight.detach().clone().requires_grad_(True)
    optimizer = torch.optim.SGD([w], lr=lr, momentum=momentum, weight_decay=weight_decay)
    norms, unit_grads, cosines = [], [], []
    for t in range(steps):
        optimizer.zero_grad()
        loss_fn(w, t).backward()
        with torch.no_grad():
            n, g = w.norm(), w.grad.norm()
            norms.append(n), unit_grads.append(g * n), cosines.append((w * w.grad).sum() / (n * g))
        optimizer.step()
    norms.append(w.detach().norm())
    return dict(norm=torch.stack(norms), unit_grad_norm=torch.stack(unit_grads), cos=torch.stack(cosines))
