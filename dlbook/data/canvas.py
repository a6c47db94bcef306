"""Digits pasted at chosen positions on a larger blank canvas: a test of translation generalisation."""
from __future__ import annotations

import torch


def digits_on_canvas(images: torch.Tensor, labels: torch.Tensor, canvas: int, columns: tuple[int, int],
                     rows: tuple[int, int] | None = None, *, seed: int = 0):
    """Paste each image ``(N, 1, h, w)`` onto a blank ``canvas × canvas`` at a random position.

    The image's left edge is drawn uniformly from ``columns = (first, last)`` (inclusive), its top
    edge from ``rows`` (default: anywhere it fits). Giving training and test sets disjoint column
    ranges makes the test positions ones never seen in training. Returns ``X: (N, 1, canvas,
    canvas)``, ``y: (N,)`` and the positions ``(N, 2)`` as (top, left).
    """
    if images.ndim != 4 or images.shape[1] != 1:
        raise ValueError(f"images must have shape (N, 1, h, w), got {tuple(images.shape)}")
    if len(images) != len(labels):
        raise ValueError(f"images and labels differ in length: {len(images)} vs {len(labels)}")
    n, _, h, w = images.shape
    rows = (0, canvas - h) if rows is None else rows
    for name, (low, high), size in (("columns", columns, w), ("rows", rows, h)):
        if not 0 <= low <= high <= canvas - size:
            raise ValueError(f"{name} {(low, high)} must satisfy 0 <= first <= last <= canvas − {size} "
                             f"= {canvas - size}")
    gen = torch.Generator().manual_seed(seed)
    top = torch.randint(rows[0], rows[1] + 1, (n,), generator=gen)
    left = torch.randint(columns[0], columns[1] + 1, (n,), generator=gen)
    X = images.new_zeros(n, 1, canvas, canvas)
    for i in range(n):
        X[i, :, top[i]:top[i] + h, left[i]:left[i] + w] = images[i]
    return X, labels.clone(), torch.stack([top, left], dim=1)
