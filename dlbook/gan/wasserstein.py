"""Ground truth for Wasserstein distances: exact W1 between samples, in 1-D by sorting and in any
dimension by an optimal assignment, and the optimal 1-Lipschitz critic in 1-D."""
from __future__ import annotations

import numpy as np
import torch
from scipy.optimize import linear_sum_assignment


def _samples_1d(name: str, x) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a tensor, got {type(x).__name__}")
    if x.ndim == 2 and x.shape[1] == 1:
        x = x[:, 0]
    if x.ndim != 1 or len(x) == 0:
        raise ValueError(f"{name} must hold 1-D samples, shape (N,) or (N, 1) with N ≥ 1, got {tuple(x.shape)}")
    return x.detach().to("cpu", torch.float64)


def _cdfs(x: torch.Tensor, y: torch.Tensor):
    """Both empirical CDFs on the merged sorted points: the jumps ``t`` and the step values between them."""
    t = torch.cat([x, y]).sort().values
    F_x = torch.searchsorted(x.sort().values, t[:-1], right=True) / len(x)
    F_y = torch.searchsorted(y.sort().values, t[:-1], right=True) / len(y)
    return t, F_x, F_y


def wasserstein_1d(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Exact ``W1`` between two empirical distributions on the line: ``x: (N,)``, ``y: (M,)`` → scalar (float64).

    ``W1 = ∫ |F_x(t) − F_y(t)| dt``, the area between the two empirical CDFs; for ``N = M`` it equals
    ``mean |sort(x) − sort(y)|``.
    """
    t, F_x, F_y = _cdfs(_samples_1d("x", x), _samples_1d("y", y))
    return ((F_x - F_y).abs() * t.diff()).sum()


def optimal_critic_1d(x: torch.Tensor, y: torch.Tensor):
    """The 1-Lipschitz ``f`` that attains Kantorovich–Rubinstein's supremum ``E_x f − E_y f = W1`` in 1-D.

    ``f' = sign(F_y − F_x)``: it climbs where ``x`` has more mass to the right. Returns a function
    ``points: (K,) → (K,)`` (float64), piecewise linear, 0 at the smallest sample.
    """
    x, y = _samples_1d("x", x), _samples_1d("y", y)
    t, F_x, F_y = _cdfs(x, y)
    slope = torch.sign(F_y - F_x)
    knots = torch.cat([torch.zeros(1, dtype=torch.float64), (slope * t.diff()).cumsum(0)])

    def f(points: torch.Tensor) -> torch.Tensor:
        p = torch.as_tensor(points, dtype=torch.float64).clamp(t[0], t[-1])
        i = (torch.searchsorted(t, p, right=True) - 1).clamp(0, len(slope) - 1)
        return knots[i] + slope[i] * (p - t[i])

    return f


def wasserstein_assignment(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Exact ``W1`` between two equal-sized empirical distributions in any dimension: ``(N, D), (N, D)`` → scalar.

    With equal weights the optimal transport plan is a permutation, found by the Hungarian algorithm
    (``scipy.optimize.linear_sum_assignment``); cost ``O(N³)``, so keep ``N`` in the hundreds.
    """
    for name, s in (("x", x), ("y", y)):
        if not isinstance(s, torch.Tensor) or s.ndim != 2:
            raise ValueError(f"{name} must be a tensor of shape (N, D)")
    if x.shape != y.shape:
        raise ValueError(f"x {tuple(x.shape)} and y {tuple(y.shape)} must have the same shape")
    cost = torch.cdist(x.detach().double().cpu(), y.detach().double().cpu()).numpy()
    rows, cols = linear_sum_assignment(cost)
    return torch.tensor(float(np.mean(cost[rows, cols])), dtype=torch.float64)
