"""Tangent propagation (Simard et al. 1992): penalise how fast the output moves along a transformation.

Training is :func:`dlbook.fit` on a wrapper: :class:`TangentProp` returns the model's output together
with its directional derivatives along the tangents, and :class:`TangentPropLoss` adds their squared
size to the cross-entropy::

    dlbook.fit(TangentProp(model), (X, tangents, y), loss_fn=TangentPropLoss(weight), optimizer=...)
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .augmentation import translate


def shift_tangent(images: torch.Tensor) -> torch.Tensor:
    """The tangent vector of a horizontal shift, ``∂/∂s shift(x, s)`` at ``s = 0``, by central differences:
    ``(translate(x, 1) − translate(x, −1)) / 2``. ``(..., H, W) → (..., H, W)``."""
    return (translate(images, 1) - translate(images, -1)) / 2


def directional_derivative(model: nn.Module, x: torch.Tensor, tangents: torch.Tensor) -> torch.Tensor:
    """``J_f(x_n) t_n`` for every sample: how fast the output moves when the input moves along ``t_n``.

    ``x, tangents: (N, ...)`` of the same shape → ``(N, *output)``. One forward-mode Jacobian–vector
    product (the Jacobian is never formed), differentiable with respect to the model's parameters.
    """
    if x.shape != tangents.shape:
        raise ValueError(f"x and tangents must have the same shape, got {tuple(x.shape)} and {tuple(tangents.shape)}")
    _, directional = torch.func.jvp(model, (x,), (tangents,))
    return directional


def _mean_squared_norm(directional: torch.Tensor) -> torch.Tensor:
    """``mean_n ‖d_n‖²`` of a batch ``directional: (N, ...)`` → a scalar."""
    return directional.pow(2).reshape(len(directional), -1).sum(dim=1).mean()


def tangent_penalty(model: nn.Module, x: torch.Tensor, tangents: torch.Tensor) -> torch.Tensor:
    """``mean_n ‖J_f(x_n) t_n‖²``: how fast the output moves along the transformation (Simard et al. 1992).

    ``x, tangents: (N, ...)`` of the same shape → a scalar, differentiable with respect to the
    model's parameters (see :func:`directional_derivative`).
    """
    return _mean_squared_norm(directional_derivative(model, x, tangents))


class TangentProp(nn.Module):
    """``model`` made trainable by :func:`dlbook.fit` with tangent propagation.

    ``forward(x, *tangents)``: ``x: (N, ...)`` and one or more tangents ``t_k`` shaped like ``x``
    → ``(logits, directional)``, the model's output ``(N, *out)`` and its directional derivatives
    ``J_f(x) t_k`` stacked as ``(N, K, *out)``. The model itself is ``.model``: predict and
    evaluate with it, not with the wrapper.
    """

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor, *tangents: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if not tangents:
            raise TypeError("TangentProp needs at least one tangent: call it as forward(x, t_1, ..., t_K)")
        logits = self.model(x)  # f(x)
        directional = torch.stack([directional_derivative(self.model, x, t) for t in tangents], dim=1)  # J_f(x) t_k
        return logits, directional


class TangentPropLoss(nn.Module):
    """``cross_entropy(logits, y) + weight · Σ_k mean_n ‖J_f(x_n) t_k,n‖²`` of a :class:`TangentProp` output.

    ``output = (logits, directional)`` with ``logits: (N, classes)`` and ``directional: (N, K, classes)``;
    ``target: (N,)`` class indices → a scalar. With ``weight = 0`` it is the plain cross-entropy.
    """

    def __init__(self, weight: float):
        super().__init__()
        if not weight >= 0:
            raise ValueError(f"weight must be non-negative, got {weight}")
        self.weight = weight

    def forward(self, output: tuple[torch.Tensor, torch.Tensor], target: torch.Tensor) -> torch.Tensor:
        logits, directional = output
        loss = F.cross_entropy(logits, target)
        if self.weight == 0:  # exactly the plain loss, whatever the derivatives hold
            return loss
        penalty = sum(_mean_squared_norm(d) for d in directional.unbind(dim=1))  # Σ_k mean_n ‖J_f(x_n) t_k,n‖²
        return loss + self.weight * penalty

    def extra_repr(self) -> str:
        return f"weight={self.weight}"
