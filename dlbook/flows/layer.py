"""The contract every invertible layer of this chapter keeps, and its input checks.

A layer maps ``x: (N, D) → (y: (N, D), log_det: (N,))`` where ``log_det`` is
``log |det ∂y/∂x|`` for each row, and ``inverse(y: (N, D)) → x: (N, D)`` undoes it.
"""
from __future__ import annotations

import torch
from torch import nn


def check_dim(dim, name: str = "dim") -> int:
    """``dim`` as a positive int, or a ``TypeError``/``ValueError`` naming it."""
    if isinstance(dim, bool) or not isinstance(dim, int):
        raise TypeError(f"{name} must be an int, got {type(dim).__name__}")
    if dim < 1:
        raise ValueError(f"{name} must be positive, got {dim}")
    return dim


def check_batch(x, dim: int, name: str = "x") -> torch.Tensor:
    """Check that ``x`` is a floating tensor of shape ``(N, dim)``; return it."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got {x.dtype}")
    if x.ndim != 2 or x.shape[1] != dim:
        raise ValueError(f"{name} must have shape (N, {dim}), got {tuple(x.shape)}")
    return x


class InvertibleLayer(nn.Module):
    """Base class: ``forward(x: (N, D)) → (y: (N, D), log_det: (N,))`` and ``inverse(y: (N, D)) → x``.

    Subclasses implement ``_forward`` and ``_inverse``; the public methods check the input's shape first.
    """

    def __init__(self, dim: int):
        super().__init__()
        self.dim = check_dim(dim)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self._forward(check_batch(x, self.dim))

    def inverse(self, y: torch.Tensor) -> torch.Tensor:
        return self._inverse(check_batch(y, self.dim, "y"))

    def _forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        raise NotImplementedError

    def _inverse(self, y: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
