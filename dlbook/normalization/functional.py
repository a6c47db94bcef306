"""Normalisation as functions: one that normalises over any set of axes, and the batch, layer,
instance and group norms as one line each on top of it. Inputs are ``(N, C, *spatial)``."""
from __future__ import annotations

from typing import Sequence

import torch


def normalize(x: torch.Tensor, dims: Sequence[int], eps: float = 1e-5) -> torch.Tensor:
    """``x̂ = (x − μ) / √(σ² + eps)`` with the mean μ and biased variance σ² taken over ``dims``.

    ``x``: any shape → the same shape; every slice that ``dims`` sweeps shares one μ and one σ².
    """
    mean = x.mean(dim=tuple(dims), keepdim=True)
    var = x.var(dim=tuple(dims), correction=0, keepdim=True)  # σ² = mean of (x − μ)², divided by m
    return (x - mean) / torch.sqrt(var + eps)


# The four classic norms are one line each: they differ only in the axes of (N, C, *spatial) they average.
def batch_norm(x: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """Per channel, over the batch and every position: ``(N, C, *) → (N, C, *)``."""
    return normalize(x, (0, *range(2, x.ndim)), eps)


def layer_norm(x: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """Per sample, over every channel and position: ``(N, C, *) → (N, C, *)``."""
    return normalize(x, tuple(range(1, x.ndim)), eps)


def instance_norm(x: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """Per sample and channel, over the positions: ``(N, C, *spatial) → (N, C, *spatial)``."""
    return normalize(x, tuple(range(2, x.ndim)), eps)


def group_norm(x: torch.Tensor, groups: int, eps: float = 1e-5) -> torch.Tensor:
    """Per sample and group of ``C / groups`` channels, over those channels and every position."""
    _check_groups(x.shape[1], groups)
    return normalize(x.unflatten(1, (groups, -1)), tuple(range(2, x.ndim + 1)), eps).flatten(1, 2)


def _check_groups(num_channels: int, num_groups: int) -> None:
    if not isinstance(num_groups, int) or num_groups < 1:
        raise ValueError(f"num_groups must be a positive int, got {num_groups!r}")
    if num_channels % num_groups:
        raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
