"""RMSNorm (Zhang & Sennrich, 2019): layer norm without the mean, ``y = γ ⊙ x / RMS(x)``.

Each sample is divided by the root mean square of its last ``len(normalized_shape)`` axes;
nothing is subtracted and there is no shift β. The names follow ``torch.nn.RMSNorm``.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn


def _shape(normalized_shape: int | Sequence[int]) -> tuple[int, ...]:
    if isinstance(normalized_shape, (int, float)):
        normalized_shape = (normalized_shape,)
    shape = tuple(normalized_shape)
    if not shape or any(not isinstance(s, int) or s < 1 for s in shape):
        raise ValueError(f"normalized_shape must be positive ints, got {normalized_shape!r}")
    return shape


def rms_norm(x: torch.Tensor, normalized_shape: int | Sequence[int], weight: torch.Tensor | None = None,
             eps: float | None = None) -> torch.Tensor:
    """``x / √(mean(x²) + eps)`` over the last axes, times ``weight`` if given.

    ``x: (*, *normalized_shape) → the same shape``; ``weight: normalized_shape``.
    ``eps=None`` means ``torch.finfo(x.dtype).eps``, as in ``torch.nn.functional.rms_norm``.
    """
    shape = _shape(normalized_shape)
    k = len(shape)
    if x.ndim < k or tuple(x.shape[x.ndim - k:]) != shape:
        raise ValueError(f"normalized_shape={list(shape)} needs input of shape "
                         f"[*, {', '.join(map(str, shape))}], got {tuple(x.shape)}")
    eps = torch.finfo(x.dtype).eps if eps is None else eps
    mean_square = x.square().mean(dim=tuple(range(-k, 0)), keepdim=True)  # RMS(x)² per sample
    y = x * torch.rsqrt(mean_square + eps)
    return y if weight is None else y * weight


class RMSNorm(nn.Module):
    """RMS normalisation over the last axes with a learned scale γ (``weight``) and no bias.

    ``(*, *normalized_shape) → the same shape``.
    """

    def __init__(self, normalized_shape: int | Sequence[int], eps: float | None = None,
                 elementwise_affine: bool = True):
        super().__init__()
        self.normalized_shape, self.eps = _shape(normalized_shape), eps
        self.elementwise_affine = elementwise_affine
        self.weight = nn.Parameter(torch.ones(self.normalized_shape)) if elementwise_affine else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return rms_norm(x, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")
