"""Residual stacks with the normalisation before or after the residual sum (pre-LN and post-LN).

Xiong et al. (2020) compare the two placements of layer norm in a residual block:

- **post-LN** (the original transformer): ``x ← LN(x + F(x))``;
- **pre-LN**: ``x ← x + F(LN(x))``, with one more layer norm before the read-out.

Here ``F`` is a two-layer ReLU MLP, ``Linear(d, d) → ReLU → Linear(d, d)``; the activations
are ``(N, d)`` throughout. :func:`block_gradient_norms` measures, at initialisation, the
gradient norm of each block's parameters.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .layers import LayerNorm

PLACEMENTS = ("pre", "post")


def _check_placement(placement: str) -> None:
    if placement not in PLACEMENTS:
        raise ValueError(f"placement must be one of {PLACEMENTS}, got {placement!r}")


class ResidualBlock(nn.Module):
    """One residual block, ``(N, width) → (N, width)``: ``x + F(LN(x))`` (pre) or ``LN(x + F(x))`` (post)."""

    def __init__(self, width: int, placement: str = "pre"):
        super().__init__()
        _check_placement(placement)
        if not isinstance(width, int) or width < 1:
            raise ValueError(f"width must be a positive int, got {width!r}")
        self.placement = placement
        self.norm = LayerNorm(width)
        self.mlp = nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, width))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.placement == "pre":
            return x + self.mlp(self.norm(x))
        return self.norm(x + self.mlp(x))


class ResidualStack(nn.Module):
    """``depth`` residual blocks between a linear embedding and a linear read-out.

    ``x: (N, in_features) → (N, out_features)``. With ``placement="pre"`` a final layer
    norm sits before the read-out, as in pre-LN transformers; post-LN ends normalised already.
    """

    def __init__(self, depth: int, placement: str = "pre", in_features: int = 64, width: int = 64,
                 out_features: int = 10):
        super().__init__()
        _check_placement(placement)
        if not isinstance(depth, int) or depth < 1:
            raise ValueError(f"depth must be a positive int, got {depth!r}")
        self.embed = nn.Linear(in_features, width)
        self.blocks = nn.ModuleList(ResidualBlock(width, placement) for _ in range(depth))
        self.final_norm = LayerNorm(width) if placement == "pre" else nn.Identity()
        self.readout = nn.Linear(width, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.embed(x)
        for block in self.blocks:
            h = block(h)
        return self.readout(self.final_norm(h))


def block_gradient_norms(model: ResidualStack, x: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """``(depth,)``: the norm of the cross-entropy gradient w.r.t. each block's MLP weights.

    ``x: (N, in_features)``, ``targets: (N,)`` class indices. One backward pass, at the
    parameters the model has now (at initialisation, if called before training).
    """
    if x.ndim != 2 or targets.shape != x.shape[:1]:
        raise ValueError(f"need x of shape (N, D) and targets of shape (N,), got {tuple(x.shape)} "
                         f"and {tuple(targets.shape)}")
    weights = [p for block in model.blocks for p in (block.mlp[0].weight, block.mlp[2].weight)]
    grads = torch.autograd.grad(F.cross_entropy(model(x), targets), weights)
    return torch.stack([torch.cat([g1.flatten(), g2.flatten()]).norm()
                        for g1, g2 in zip(grads[::2], grads[1::2])])
