"""Data sets that ship inside an installed package (no download), and picking from them."""
from __future__ import annotations

import torch


def digits(*, flatten: bool = True):
    """scikit-learn's bundled 8×8 handwritten digits (1797 images, no download).

    Pixel values are scaled to [0, 1]. Returns ``X: (1797, 64)`` (or
    ``(1797, 1, 8, 8)`` with ``flatten=False``) float32 and ``y: (1797,)`` int64.
    """
    from sklearn.datasets import load_digits

    bunch = load_digits()
    X = torch.tensor(bunch.data, dtype=torch.float32) / 16.0
    y = torch.tensor(bunch.target, dtype=torch.int64)
    return (X if flatten else X.reshape(-1, 1, 8, 8)), y


def first_per_class(X: torch.Tensor, y: torch.Tensor, n: int, classes: int | None = None):
    """A small balanced subset: the first ``n`` examples of each class ``0 … classes − 1``, class by class.

    ``X: (N, ...)``, ``y: (N,)`` class indices → ``(classes·n, ...)``, ``(classes·n,)``.
    """
    if len(X) != len(y):
        raise ValueError(f"X and y differ in length: {len(X)} vs {len(y)}")
    classes = int(y.max()) + 1 if classes is None else classes
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    index = [torch.nonzero(y == k)[:n, 0] for k in range(classes)]
    short = [k for k, i in enumerate(index) if len(i) < n]
    if short:
        raise ValueError(f"classes {short} have fewer than {n} examples")
    index = torch.cat(index)
    return X[index], y[index]
