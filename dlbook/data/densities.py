"""Two-dimensional densities for density estimation: concentric rings and a checkerboard.

Each generator takes an explicit ``seed`` and returns samples ``X: (n, 2)`` float32 only (no labels:
the density is the object). ``dlbook.data.moons`` gives a third, two interleaved half circles.
"""
from __future__ import annotations

import math

import torch

from .synthetic import _check_count, _check_noise


def rings(n: int = 1000, rings: int = 3, noise: float = 0.08, *, seed: int = 0) -> torch.Tensor:
    """Points on ``rings`` concentric circles of radii 1, 2, …, ``rings`` (scaled to a largest radius of 2),
    each point's ring drawn with probability proportional to its circumference, plus Gaussian ``noise``.

    Returns ``X: (n, 2)`` float32.
    """
    _check_count(n)
    _check_count(rings, "rings")
    _check_noise(noise)
    gen = torch.Generator().manual_seed(seed)
    radii = torch.arange(1, rings + 1, dtype=torch.float32) * (2.0 / rings)
    which = torch.multinomial(radii / radii.sum(), n, replacement=True, generator=gen)
    angle = 2 * math.pi * torch.rand(n, generator=gen)
    r = radii[which]
    X = torch.stack([r * torch.cos(angle), r * torch.sin(angle)], dim=1)
    return (X + noise * torch.randn(X.shape, generator=gen)).float()


def checkerboard(n: int = 1000, squares: int = 4, *, seed: int = 0) -> torch.Tensor:
    """Uniform on the dark squares of a ``squares × squares`` board covering [−2, 2]², the square at
    the lower-left corner dark. ``squares`` must be even, so that half the board is dark.

    Returns ``X: (n, 2)`` float32; its density is ``2/16 = 1/8`` on dark squares and 0 elsewhere.
    """
    _check_count(n)
    _check_count(squares, "squares", minimum=2)
    if squares % 2:
        raise ValueError(f"squares must be even, got {squares}")
    gen = torch.Generator().manual_seed(seed)
    side = 4.0 / squares
    row = torch.randint(0, squares, (n,), generator=gen)
    col = 2 * torch.randint(0, squares // 2, (n,), generator=gen) + row % 2  # same parity: dark
    offset = torch.rand(n, 2, generator=gen)
    X = torch.stack([col + offset[:, 0], row + offset[:, 1]], dim=1) * side - 2.0
    return X.float()
