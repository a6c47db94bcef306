"""Coupling layers: NICE's additive coupling (Dinh et al. 2014) and RealNVP's affine coupling (Dinh et al. 2017).

A binary ``mask`` splits the features: the masked ones (``x₁``, mask = 1) pass through unchanged
and condition an MLP that moves the others (``x₂``, mask = 0). Because ``y₂`` depends on ``x₂`` only
elementwise, the Jacobian is triangular (after reordering) and its determinant is a product of its diagonal.
"""
from __future__ import annotations

import torch
from torch import nn

from .layer import InvertibleLayer, check_dim


def alternating_mask(dim: int, parity: int = 0) -> torch.Tensor:
    """``(dim,)`` float mask with ones on the features whose index has the given ``parity`` (0 or 1)."""
    check_dim(dim)
    if parity not in (0, 1):
        raise ValueError(f"parity must be 0 or 1, got {parity!r}")
    return (torch.arange(dim) % 2 == parity).float()


def checkerboard_mask(height: int, width: int, parity: int = 0) -> torch.Tensor:
    """``(height·width,)`` float mask of a checkerboard over a flattened ``height × width`` image."""
    check_dim(height, "height"), check_dim(width, "width")
    if parity not in (0, 1):
        raise ValueError(f"parity must be 0 or 1, got {parity!r}")
    rows, cols = torch.meshgrid(torch.arange(height), torch.arange(width), indexing="ij")
    return ((rows + cols) % 2 == parity).float().flatten()


def _check_mask(mask, dim: int) -> torch.Tensor:
    if mask is None:
        return alternating_mask(dim)
    mask = torch.as_tensor(mask, dtype=torch.float32)
    if mask.shape != (dim,):
        raise ValueError(f"mask must have shape ({dim},), got {tuple(mask.shape)}")
    if not ((mask == 0) | (mask == 1)).all():
        raise ValueError("mask must hold only 0s and 1s")
    if mask.sum() in (0, dim):
        raise ValueError("mask must keep at least one feature and transform at least one")
    return mask


def conditioner(dim: int, hidden: int, out_features: int, layers: int = 2) -> nn.Sequential:
    """The MLP inside a coupling: ``dim → hidden (× layers, ReLU) → out_features``, last layer zero,
    so that a freshly built coupling is the identity."""
    check_dim(hidden, "hidden"), check_dim(layers, "layers")
    sizes = [dim] + [hidden] * layers
    modules = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        modules += [nn.Linear(a, b), nn.ReLU()]
    last = nn.Linear(sizes[-1], out_features)
    nn.init.zeros_(last.weight), nn.init.zeros_(last.bias)
    return nn.Sequential(*modules, last)


class AdditiveCoupling(InvertibleLayer):
    """NICE: ``y₁ = x₁``, ``y₂ = x₂ + m(x₁)``. ``x: (N, dim) → (y: (N, dim), log_det: (N,) zeros)``.

    ``mask``: ``(dim,)`` of 0/1, ones on ``x₁`` (default: even features); ``hidden``: the width of ``m``.
    """

    def __init__(self, dim: int, hidden: int = 64, mask: torch.Tensor | None = None, layers: int = 2):
        super().__init__(dim)
        self.register_buffer("mask", _check_mask(mask, dim))
        self.net = conditioner(dim, hidden, dim, layers)

    def _shift(self, x1: torch.Tensor) -> torch.Tensor:
        return self.net(x1) * (1 - self.mask)  # m(x₁), only on the x₂ features

    def _forward(self, x):
        y = x + self._shift(x * self.mask)
        return y, x.new_zeros(len(x))  # det = 1: the Jacobian is unit triangular

    def _inverse(self, y):
        return y - self._shift(y * self.mask)  # y₁ = x₁, so m(x₁) can be recomputed from y


class AffineCoupling(InvertibleLayer):
    """RealNVP: ``y₁ = x₁``, ``y₂ = x₂ ⊙ exp(s(x₁)) + t(x₁)``; ``log_det = Σ s(x₁)``.

    ``x: (N, dim) → (y: (N, dim), log_det: (N,))``. ``s = scale · tanh(·)`` with a learned
    per-feature ``scale`` keeps the log-scales bounded early in training.
    """

    def __init__(self, dim: int, hidden: int = 64, mask: torch.Tensor | None = None, layers: int = 2):
        super().__init__(dim)
        self.register_buffer("mask", _check_mask(mask, dim))
        self.net = conditioner(dim, hidden, 2 * dim, layers)
        self.scale = nn.Parameter(torch.ones(dim))

    def scale_and_shift(self, x1: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``s(x₁), t(x₁)``, both ``(N, dim)`` and zero on the masked (kept) features."""
        raw_s, t = self.net(x1).chunk(2, dim=1)
        keep = 1 - self.mask
        return self.scale * torch.tanh(raw_s) * keep, t * keep

    def _forward(self, x):
        s, t = self.scale_and_shift(x * self.mask)
        y = x * torch.exp(s) + t  # on x₁: s = t = 0, so y₁ = x₁
        return y, s.sum(dim=1)

    def _inverse(self, y):
        s, t = self.scale_and_shift(y * self.mask)
        return (y - t) * torch.exp(-s)
