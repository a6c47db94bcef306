"""Tangent propagation (Simard et al. 1992): penalise how fast the output moves along a transformation."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .augmentation import translate


def shift_tangent(images: torch.Tensor) -> torch.Tensor:
    """The tangent vector of a horizontal shift, ``∂/∂s shift(x, s)`` at ``s = 0``, by central differences:
    ``(translate(x, 1) − translate(x, −1)) / 2``. ``(..., H, W) → (..., H, W)``."""
    return (translate(images, 1) - translate(images, -1)) / 2


def tangent_penalty(model: nn.Module, x: torch.Tensor, tangents: torch.Tensor) -> torch.Tensor:
    """``mean_n ‖J_f(x_n) t_n‖²``: how fast the output moves along the transformation (Simard et al. 1992).

    ``x, tangents: (N, ...)`` of the same shape. Computed by forward-mode AD (one Jacobian–vector
    product), and differentiable with respect to the model's parameters.
    """
    if x.shape != tangents.shape:
        raise ValueError(f"x and tangents must have the same shape, got {tuple(x.shape)} and {tuple(tangents.shape)}")
    _, directional = torch.func.jvp(model, (x,), (tangents,))
    return directional.pow(2).reshape(len(x), -1).sum(dim=1).mean()


def train_tangent_prop(model: nn.Module, X: torch.Tensor, y: torch.Tensor, tangents, *, weight: float,
                       epochs: int, lr: float = 1e-3, batch_size: int = 64, seed: int = 0) -> list[float]:
    """Minimise ``cross_entropy(f(x), y) + weight · Σ_k ‖J_f(x) t_k‖²`` with Adam; returns each epoch's mean loss.

    ``X: (N, ...)``, ``y: (N,)``, ``tangents``: one ``(N, ...)`` tensor or a list of them (one per
    transformation). A loop of its own because the penalty needs the inputs and the model, not just
    the outputs that :func:`dlbook.fit` hands to a loss.
    """
    tangents = [tangents] if isinstance(tangents, torch.Tensor) else list(tangents)
    if not weight >= 0:
        raise ValueError(f"weight must be non-negative, got {weight}")
    if len(X) != len(y) or any(t.shape != X.shape for t in tangents):
        raise ValueError(f"need N inputs, N targets and tangents shaped like X {tuple(X.shape)}")
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(epochs):
        order, total = torch.randperm(len(X), generator=generator), 0.0
        for i in range(0, len(X), batch_size):
            index = order[i: i + batch_size]
            loss = F.cross_entropy(model(X[index]), y[index])
            for t in tangents if weight > 0 else []:
                loss = loss + weight * tangent_penalty(model, X[index], t[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * len(index)
        losses.append(total / len(X))
    return losses
