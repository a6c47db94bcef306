"""Measuring mode collapse on a mixture with known modes (as the unrolled-GAN, VEEGAN and PacGAN papers do)."""
from __future__ import annotations

from typing import NamedTuple

import torch


class Coverage(NamedTuple):
    """``modes``: how many modes received their share of good samples; ``high_quality``: the share of
    samples within ``threshold`` standard deviations of their nearest mode."""

    modes: int
    high_quality: float


def mode_coverage(samples: torch.Tensor, centers: torch.Tensor, std: float, threshold: float = 3.0,
                  min_share: float = 0.2) -> Coverage:
    """Modes covered and share of high-quality samples: ``samples: (N, D)``, ``centers: (K, D)`` → ``Coverage``.

    A sample is *high quality* when it lies within ``threshold · std`` of its nearest centre. A mode
    counts as *covered* when it holds at least ``min_share`` of the ``N/K`` high-quality samples a
    perfect generator would put there (PacGAN's rule: 20 of 100).
    """
    for name, t in (("samples", samples), ("centers", centers)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a tensor, got {type(t).__name__}")
        if t.ndim != 2 or len(t) == 0:
            raise ValueError(f"{name} must have shape (N, D) with N ≥ 1, got {tuple(t.shape)}")
    if samples.shape[1] != centers.shape[1]:
        raise ValueError(f"samples have {samples.shape[1]} dimensions, centers {centers.shape[1]}")
    if not std > 0 or not threshold > 0:
        raise ValueError(f"std and threshold must be positive, got std={std}, threshold={threshold}")
    if not 0 < min_share <= 1:
        raise ValueError(f"min_share must lie in (0, 1], got {min_share}")
    samples, centers = samples.detach().float().cpu(), centers.detach().float().cpu()
    distance, nearest = torch.cdist(samples, centers).min(dim=1)
    good = distance <= threshold * std
    counts = torch.bincount(nearest[good], minlength=len(centers))
    needed = min_share * len(samples) / len(centers)
    return Coverage(int((counts >= needed).sum()), float(good.float().mean()))
