"""Counting the linear regions of a ReLU network: the pieces on which it is one affine map.

A ReLU MLP is affine wherever the on/off pattern of its hidden units is fixed, so each
distinct *activation pattern* met on a set of inputs is one linear region (two separate
regions can in principle share a pattern; for the random networks here that does not
happen in practice). Sampling a dense 1-D segment or a fine 2-D grid and counting distinct
patterns gives a lower bound on the number of regions crossed, and the exact count once the
sampling is fine enough to visit every region.

One hidden layer of ``n`` units on ``R^d`` is an arrangement of ``n`` hyperplanes, which cuts
the space into at most ``Σ_{i=0}^{d} C(n, i)`` regions (Zaslavsky; equality for hyperplanes in
general position); for ``d = 2`` that is ``1 + n + n(n − 1)/2``.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from .mlp import MLP


def activation_patterns(model: MLP, x: torch.Tensor) -> torch.Tensor:
    """Which hidden ReLU units are on, for every input.

    ``x: (N, in_features) → (N, total hidden units)`` bool, the layers' units side by side.
    """
    if not isinstance(model, MLP) or model.activation != "relu":
        raise ValueError("activation_patterns needs a dlbook.perceptron_mlp.MLP with activation='relu'")
    if x.ndim != 2 or x.shape[1] != model.sizes[0]:
        raise ValueError(f"x must have shape (N, {model.sizes[0]}), got {tuple(x.shape)}")
    patterns, a = [], x
    with torch.no_grad():
        for module in model:
            a = module(a)
            if isinstance(module, nn.ReLU):
                patterns.append(a > 0)                               # unit on: z > 0
    if not patterns:
        return torch.zeros(len(x), 0, dtype=torch.bool)
    return torch.cat(patterns, dim=1)


def count_regions(model: MLP, x: torch.Tensor) -> int:
    """The number of distinct activation patterns among the inputs ``x: (N, in_features)``."""
    return len(torch.unique(activation_patterns(model, x), dim=0))


def pieces_along_segment(model: MLP, start: torch.Tensor, end: torch.Tensor, points: int = 100_000) -> int:
    """Linear pieces met on the segment from ``start`` to ``end`` (``(in_features,)`` each):
    one more than the number of pattern changes between consecutive sample points."""
    if points < 2:
        raise ValueError(f"points must be at least 2, got {points}")
    t = torch.linspace(0, 1, points, dtype=start.dtype)[:, None]
    patterns = activation_patterns(model, (1 - t) * start + t * end)
    return 1 + int((patterns[1:] != patterns[:-1]).any(dim=1).sum())


def max_regions_one_layer(units: int, dim: int) -> int:
    """``Σ_{i=0}^{dim} C(units, i)``: the most regions ``units`` hyperplanes cut ``R^dim`` into."""
    if units < 0 or dim < 1:
        raise ValueError(f"need units ≥ 0 and dim ≥ 1, got units={units}, dim={dim}")
    return sum(math.comb(units, i) for i in range(dim + 1))


def one_layer_regions_in_box(model: MLP, low: float, high: float) -> int:
    """The exact number of regions a one-hidden-layer ReLU MLP on ``R^2`` has in ``[low, high]^2``.

    Each unit's boundary ``w_1 x + w_2 y + b = 0`` is a line. For lines in general position
    (no two parallel, no three through a point), the regions inside a convex box number
    ``1 + (lines crossing the box) + (crossing points inside the box)``: each line entering adds
    one region, and each crossing met along it one more.
    """
    if not isinstance(model, MLP) or len(model.sizes) != 3 or model.sizes[0] != 2:
        raise ValueError("one_layer_regions_in_box needs an MLP(2, [n], k)")
    if not high > low:
        raise ValueError(f"need high > low, got low={low}, high={high}")
    layer = model.linears()[0]
    W, b = layer.weight.detach().double(), layer.bias.detach().double()       # (n, 2), (n,)
    corners = torch.tensor([[low, low], [low, high], [high, low], [high, high]], dtype=torch.float64)
    side = corners @ W.T + b                                                  # (4, n)
    crossing = (side.max(0).values > 0) & (side.min(0).values < 0)            # line meets the box
    inside = 0
    n = len(b)
    for i in range(n):
        for j in range(i + 1, n):
            A = W[[i, j]]
            if abs(float(torch.linalg.det(A))) < 1e-12:
                raise ValueError(f"units {i} and {j} have parallel boundaries: not in general position")
            point = torch.linalg.solve(A, -b[[i, j]])
            inside += bool(((point > low) & (point < high)).all())
    return 1 + int(crossing.sum()) + inside
