"""Synthetic data sets: every generator takes an explicit ``seed`` and returns float32 inputs,
so two calls with the same arguments give the same tensors on any machine.

Classification sets return ``X: (N, 2)`` float32 and ``y: (N,)`` int64;
regression sets return ``X: (N, 1)`` and ``y: (N, 1)`` float32.
"""
from __future__ import annotations

import math

import numpy as np
import torch


def _check_count(n: int, name: str = "n", minimum: int = 1) -> None:
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool):
        raise TypeError(f"{name} must be an int, got {type(n).__name__}")
    if n < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {n}")


def _check_noise(noise: float) -> None:
    if not noise >= 0:
        raise ValueError(f"noise must be a non-negative standard deviation, got {noise}")


def _split_counts(n: int, parts: int) -> list[int]:
    """n samples shared as evenly as possible between ``parts`` classes."""
    return [n // parts + (1 if k < n % parts else 0) for k in range(parts)]


def _labelled(points: list[torch.Tensor], noise: float, gen: torch.Generator):
    X = torch.cat(points)
    y = torch.cat([torch.full((len(p),), k, dtype=torch.int64) for k, p in enumerate(points)])
    X = X + noise * torch.randn(X.shape, generator=gen)
    return X.float(), y


def moons(n: int = 200, noise: float = 0.1, *, seed: int = 0):
    """Two interleaved half circles. Returns ``X: (n, 2)``, ``y: (n,)`` in {0, 1}."""
    _check_count(n, minimum=2)
    _check_noise(noise)
    gen = torch.Generator().manual_seed(seed)
    n0, n1 = _split_counts(n, 2)
    t0 = math.pi * torch.rand(n0, generator=gen)
    t1 = math.pi * torch.rand(n1, generator=gen)
    upper = torch.stack([torch.cos(t0), torch.sin(t0)], dim=1)
    lower = torch.stack([1 - torch.cos(t1), 0.5 - torch.sin(t1)], dim=1)
    return _labelled([upper, lower], noise, gen)


def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5, *, seed: int = 0):
    """A small circle (class 1) inside a large one (class 0); ``factor`` is the radius ratio."""
    _check_count(n, minimum=2)
    _check_noise(noise)
    if not 0 < factor < 1:
        raise ValueError(f"factor must lie in (0, 1), got {factor}")
    gen = torch.Generator().manual_seed(seed)
    rings = []
    for radius, count in zip((1.0, factor), _split_counts(n, 2)):
        t = 2 * math.pi * torch.rand(count, generator=gen)
        rings.append(radius * torch.stack([torch.cos(t), torch.sin(t)], dim=1))
    return _labelled(rings, noise, gen)


def spirals(n: int = 300, classes: int = 2, noise: float = 0.05, turns: float = 1.0, *, seed: int = 0):
    """``classes`` interleaved spiral arms, each turning ``turns`` times around the origin."""
    _check_count(n, minimum=classes)
    _check_count(classes, "classes", minimum=2)
    _check_noise(noise)
    gen = torch.Generator().manual_seed(seed)
    arms = []
    for k, count in enumerate(_split_counts(n, classes)):
        r = torch.linspace(0.05, 1.0, count)
        theta = 2 * math.pi * (turns * r + k / classes)
        arms.append(torch.stack([r * torch.cos(theta), r * torch.sin(theta)], dim=1))
    return _labelled(arms, noise, gen)


def blobs(n: int = 200, centers: int | torch.Tensor = 3, std: float = 0.5, *, seed: int = 0):
    """Isotropic Gaussian blobs: ``centers`` is a count (placed on a circle of radius 2) or a ``(K, 2)`` tensor."""
    _check_count(n)
    _check_noise(std)
    if isinstance(centers, int):
        _check_count(centers, "centers")
        angles = 2 * math.pi * torch.arange(centers) / centers
        means = 2 * torch.stack([torch.cos(angles), torch.sin(angles)], dim=1)
    else:
        means = torch.as_tensor(centers, dtype=torch.float32)
        if means.ndim != 2 or means.shape[1] != 2:
            raise ValueError(f"centers must have shape (K, 2), got {tuple(means.shape)}")
    gen = torch.Generator().manual_seed(seed)
    groups = [m.expand(c, 2) for m, c in zip(means, _split_counts(n, len(means)))]
    return _labelled(groups, std, gen)


def noisy_sine(n: int = 100, noise: float = 0.1, *, low: float = 0.0, high: float = 1.0, seed: int = 0):
    """t = sin(2πx) + ε with x uniform on [low, high]. Returns ``X: (n, 1)``, ``y: (n, 1)``, sorted by x."""
    _check_count(n)
    _check_noise(noise)
    if not high > low:
        raise ValueError(f"need low < high, got low={low}, high={high}")
    gen = torch.Generator().manual_seed(seed)
    x = low + (high - low) * torch.rand(n, 1, generator=gen)
    x, _ = torch.sort(x, dim=0)
    y = torch.sin(2 * math.pi * x) + noise * torch.randn(n, 1, generator=gen)
    return x.float(), y.float()


def line_with_outliers(n: int = 100, fraction: float = 0.1, noise: float = 0.3, *, seed: int = 0):
    """The line ``t = 2x + 1 + ε``, ``ε ~ N(0, noise²)``, ``x ~ U(0, 3)``, with a ``fraction`` of outliers.

    The outliers sit where they pull hardest on a least-squares line: far along the x axis
    (``x ~ U(2.2, 3)``) and far below the line (``t ~ N(−2, 0.5²)``). Returns ``X: (n, 1)``,
    ``y: (n, 1)`` float32 and ``is_outlier: (n,)`` bool, in random order.
    """
    _check_count(n)
    _check_noise(noise)
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction must lie in [0, 1] (the share of outliers), got {fraction}")
    gen = torch.Generator().manual_seed(seed)
    x = 3 * torch.rand(n, 1, generator=gen)
    t = 2 * x + 1 + noise * torch.randn(n, 1, generator=gen)
    n_out = int(round(fraction * n))
    bad = torch.randperm(n, generator=gen)[:n_out]
    x[bad] = 2.2 + 0.8 * torch.rand(n_out, 1, generator=gen)        # far along the x axis ...
    t[bad] = -2 + 0.5 * torch.randn(n_out, 1, generator=gen)        # ... and far below the line
    is_outlier = torch.zeros(n, dtype=torch.bool)
    is_outlier[bad] = True
    return x.float(), t.float(), is_outlier


def inverse_problem(n: int = 1000, noise: float = 0.1, *, seed: int = 0):
    """Bishop's (1994) inverse problem: ``t ~ U(0, 1)``, ``x = t + 0.3 sin(2πt) + ε``, ``ε ~ U(−noise, noise)``.

    The forward map t → x is a function; the inverse x → t is not: for x in the middle
    of the range there are three values of t. Returns ``X: (n, 1)`` (the inputs x) and
    ``y: (n, 1)`` (the targets t), float32, sorted by x.
    """
    _check_count(n)
    if not noise >= 0:
        raise ValueError(f"noise must be a non-negative half-width, got {noise}")
    gen = torch.Generator().manual_seed(seed)
    t = torch.rand(n, 1, generator=gen)
    x = t + 0.3 * torch.sin(2 * math.pi * t) + noise * (2 * torch.rand(n, 1, generator=gen) - 1)
    order = x[:, 0].argsort()
    return x[order].float(), t[order].float()


def split(X: torch.Tensor, y: torch.Tensor, test_fraction: float = 0.2, *, seed: int = 0):
    """Shuffle and split into ``(X_train, y_train), (X_test, y_test)``."""
    if len(X) != len(y):
        raise ValueError(f"X and y differ in length: {len(X)} vs {len(y)}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must lie in (0, 1), got {test_fraction}")
    n_test = int(round(test_fraction * len(X)))
    if n_test == 0 or n_test == len(X):
        raise ValueError(f"a test fraction of {test_fraction} leaves an empty part of {len(X)} samples")
    order = torch.randperm(len(X), generator=torch.Generator().manual_seed(seed))
    test, train = order[:n_test], order[n_test:]
    return (X[train], y[train]), (X[test], y[test])
