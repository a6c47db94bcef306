"""Ready-made flows: NICE, RealNVP and a Glow-style stack, built from this chapter's layers."""
from __future__ import annotations

import torch

from .coupling import AdditiveCoupling, AffineCoupling, alternating_mask
from .dequantization import LogitTransform
from .flow import Flow
from .invertible_linear import InvertibleLinear
from .layer import check_dim
from .scaling import ActNorm, DiagonalScaling


def _masks(dim: int, couplings: int, masks) -> list[torch.Tensor]:
    check_dim(couplings, "couplings")
    if masks is None:
        return [alternating_mask(dim, i % 2) for i in range(couplings)]
    masks = [torch.as_tensor(m) for m in masks]
    if len(masks) != couplings:
        raise ValueError(f"got {len(masks)} masks for {couplings} couplings")
    return masks


def nice(dim: int, couplings: int = 4, hidden: int = 64, *, masks=None) -> Flow:
    """NICE: ``couplings`` additive couplings with alternating masks, then a diagonal scaling. ``(N, dim)``."""
    layers = [AdditiveCoupling(dim, hidden, m) for m in _masks(dim, couplings, masks)]
    return Flow(layers + [DiagonalScaling(dim)])


def realnvp(dim: int, couplings: int = 8, hidden: int = 64, *, masks=None, actnorm: bool = True,
            linear: bool = False, logit: float | None = None, seed: int = 0) -> Flow:
    """A RealNVP-style flow on ``(N, dim)``: per step ``[ActNorm] → [InvertibleLinear] → AffineCoupling``.

    ``masks``: one ``(dim,)`` 0/1 mask per coupling (default: alternating parities). ``linear=True``
    adds Glow's learned LU linear layer before each coupling (seeded by ``seed + step``).
    ``logit``: if given, a :class:`LogitTransform` with that ``alpha`` comes first, for data in [0, 1).
    """
    layers = [] if logit is None else [LogitTransform(dim, logit)]
    for i, mask in enumerate(_masks(dim, couplings, masks)):
        if actnorm:
            layers.append(ActNorm(dim))
        if linear:
            layers.append(InvertibleLinear(dim, seed=seed + i))
        layers.append(AffineCoupling(dim, hidden, mask))
    return Flow(layers)
