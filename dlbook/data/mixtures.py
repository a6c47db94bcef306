"""Two-dimensional Gaussian mixtures with well-separated modes: the standard test of mode collapse.

Each generator returns ``X: (n, 2)`` float32 samples and ``centers: (K, 2)`` float32 mode means;
every sample picks a mode uniformly at random, then adds isotropic noise of standard deviation ``std``.
"""
from __future__ import annotations

import math

import torch

from .synthetic import _check_count, _check_noise


def _mixture(n: int, centers: torch.Tensor, std: float, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    mode = torch.randint(len(centers), (n,), generator=gen)
    X = centers[mode] + std * torch.randn(n, 2, generator=gen)
    return X.float(), centers.float()


def ring_of_gaussians(n: int = 1000, modes: int = 8, radius: float = 2.0, std: float = 0.02, *, seed: int = 0):
    """``modes`` Gaussians evenly spaced on a circle of ``radius`` (the unrolled-GAN benchmark: 8, 2.0, 0.02).

    Returns ``X: (n, 2)`` and ``centers: (modes, 2)``.
    """
    _check_count(n)
    _check_count(modes, "modes")
    _check_noise(std)
    if not radius > 0:
        raise ValueError(f"radius must be positive, got {radius}")
    angles = 2 * math.pi * torch.arange(modes, dtype=torch.float64) / modes
    centers = radius * torch.stack([torch.cos(angles), torch.sin(angles)], dim=1)
    return _mixture(n, centers, std, seed)


def grid_of_gaussians(n: int = 1000, side: int = 5, spacing: float = 2.0, std: float = 0.05, *, seed: int = 0):
    """``side × side`` Gaussians on a square grid centred at the origin, ``spacing`` apart (VEEGAN's 5×5 grid).

    Returns ``X: (n, 2)`` and ``centers: (side², 2)``.
    """
    _check_count(n)
    _check_count(side, "side")
    _check_noise(std)
    if not spacing > 0:
        raise ValueError(f"spacing must be positive, got {spacing}")
    axis = spacing * (torch.arange(side, dtype=torch.float64) - (side - 1) / 2)
    centers = torch.cartesian_prod(axis, axis)
    return _mixture(n, centers, std, seed)
