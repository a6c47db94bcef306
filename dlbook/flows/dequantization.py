"""Discrete data for a continuous density: uniform dequantisation, the logit transform and bits per dimension.

Pixels taking ``levels`` values ``k ∈ {0, …, levels−1}`` become ``(k + u)/levels``, ``u ~ U[0, 1)``.
A density ``p`` on ``[0, 1)^D`` then bounds the discrete likelihood from below:
``log P(k) ≥ E_u[log p((k + u)/levels)] − D log levels`` (Theis et al. 2016).
"""
from __future__ import annotations

import math

import torch

from .layer import InvertibleLayer


def dequantize(k: torch.Tensor, levels: int, *, generator: torch.Generator | None = None) -> torch.Tensor:
    """``(k + u)/levels`` with fresh ``u ~ U[0, 1)``: integers ``k: (N, D)`` in ``[0, levels)`` → ``(N, D)`` in [0, 1)."""
    if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2:
        raise ValueError(f"levels must be an int >= 2, got {levels!r}")
    if not isinstance(k, torch.Tensor) or k.ndim != 2:
        raise ValueError(f"k must be a tensor of shape (N, D), got {getattr(k, 'shape', type(k).__name__)}")
    if (k < 0).any() or (k > levels - 1).any() or (k != k.round()).any():
        raise ValueError(f"k must hold integers in [0, {levels - 1}]")
    u = torch.rand(k.shape, generator=generator, dtype=torch.float32).to(k.device)
    return (k.float() + u) / levels


def bits_per_dim(log_prob: torch.Tensor, dim: int, levels: int) -> torch.Tensor:
    """Bits per dimension of the discrete data from ``log_prob: (N,)`` of the dequantised data on [0, 1)^D → (N,).

    ``−(log p(y) − D log levels) / (D log 2)``: a uniform density gives ``log₂ levels`` bits.
    """
    if isinstance(levels, bool) or not isinstance(levels, int) or levels < 2:
        raise ValueError(f"levels must be an int >= 2, got {levels!r}")
    if isinstance(dim, bool) or not isinstance(dim, int) or dim < 1:
        raise ValueError(f"dim must be a positive int, got {dim!r}")
    if not isinstance(log_prob, torch.Tensor) or log_prob.ndim != 1:
        raise ValueError(f"log_prob must be a tensor of shape (N,), got {getattr(log_prob, 'shape', log_prob)}")
    return -(log_prob - dim * math.log(levels)) / (dim * math.log(2))


class LogitTransform(InvertibleLayer):
    """``y = logit(α + (1 − 2α) x)`` from [0, 1) to the real line, as RealNVP does before its couplings.

    ``x: (N, dim) → (y: (N, dim), log_det: (N,))`` with
    ``log_det = Σ [log(1 − 2α) − log p − log(1 − p)]``, ``p = α + (1 − 2α) x``.
    ``alpha`` keeps ``p`` away from 0 and 1, where the logit is infinite.
    """

    def __init__(self, dim: int, alpha: float = 0.05):
        super().__init__(dim)
        if not 0 < alpha < 0.5:
            raise ValueError(f"alpha must lie in (0, 0.5), got {alpha}")
        self.alpha = alpha

    def _forward(self, x):
        p = self.alpha + (1 - 2 * self.alpha) * x
        log_det = (math.log(1 - 2 * self.alpha) - torch.log(p) - torch.log1p(-p)).sum(dim=1)
        return torch.log(p) - torch.log1p(-p), log_det

    def _inverse(self, y):
        return (torch.sigmoid(y) - self.alpha) / (1 - 2 * self.alpha)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, alpha={self.alpha}"
