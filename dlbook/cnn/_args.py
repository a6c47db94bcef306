"""Argument checks the chapter's functions share: pairs of sizes and 4-D inputs."""
from __future__ import annotations

import torch


def pair(value, name: str, minimum: int = 1) -> tuple[int, int]:
    """An int or a pair of ints (each ``>= minimum``) as a pair ``(h, w)``."""
    values = (value, value) if isinstance(value, int) and not isinstance(value, bool) else tuple(value) \
        if isinstance(value, (tuple, list)) else None
    if values is None or len(values) != 2 or any(isinstance(v, bool) or not isinstance(v, int) for v in values):
        raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
    if any(v < minimum for v in values):
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return values


def check_input(x, name: str = "input") -> None:
    """``x`` must be a floating tensor of shape ``(N, C, H, W)``."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a tensor, got {type(x).__name__}")
    if x.ndim != 4:
        raise ValueError(f"{name} must be 4-D (N, C, H, W), got shape {tuple(x.shape)}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating tensor, got {x.dtype}")
