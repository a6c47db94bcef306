"""Rosenblatt's perceptron, its learning rule, and the margin that bounds its mistakes.

Points are augmented with a constant 1, ``x̃ = (x, 1)``, so the bias is the last
entry of the weight vector ``w̃ = (w, b)`` and the unit fires when ``w̃·x̃ > 0``.
Labels may be given as {0, 1} (the data sets' convention) or as {−1, +1}.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn


def augmented_inputs(X: torch.Tensor) -> torch.Tensor:
    """``X: (N, D) → (N, D + 1)``: each point with a constant 1 appended (float64)."""
    if not isinstance(X, torch.Tensor):
        raise TypeError(f"X must be a torch.Tensor, got {type(X).__name__}")
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must have shape (N, D) with N ≥ 1, got {tuple(X.shape)}")
    X = X.detach().to("cpu", torch.float64)
    if not torch.isfinite(X).all():
        raise ValueError("X contains NaN or inf")
    return torch.cat([X, torch.ones(len(X), 1, dtype=torch.float64)], dim=1)


def signs(y: torch.Tensor, n: int | None = None) -> torch.Tensor:
    """Labels ``y: (N,)`` in {0, 1} or {−1, +1} as float64 signs ±1."""
    y = torch.as_tensor(y).detach().reshape(-1).cpu()
    if n is not None and len(y) != n:
        raise ValueError(f"X and y differ in length: {n} points vs {len(y)} labels")
    values = set(torch.unique(y).tolist())
    if values <= {0, 1}:
        return 2 * y.to(torch.float64) - 1
    if values <= {-1, 1}:
        return y.to(torch.float64)
    raise ValueError(f"labels must be in {{0, 1}} or {{-1, +1}}, got the values {sorted(values)}")


@dataclass
class PerceptronRun:
    """What :func:`train_perceptron` did.

    ``weight: (D + 1,)`` is ``(w, b)`` after the last epoch; ``mistakes_per_epoch[e]``
    counts the updates made in epoch ``e``; ``epoch_weights[e]`` is the weight at
    the end of epoch ``e``; ``updates: (K, D + 1)`` holds the weight after each of
    the ``K`` updates when ``record=True``.
    """

    weight: torch.Tensor
    mistakes_per_epoch: list[int]
    epoch_weights: list[torch.Tensor]
    updates: torch.Tensor | None = None
    converged: bool = False
    lr: float = 1.0

    @property
    def mistakes(self) -> int:
        """Total number of mistakes, which is the number of updates."""
        return sum(self.mistakes_per_epoch)

    @property
    def epochs(self) -> int:
        return len(self.mistakes_per_epoch)


def train_perceptron(X: torch.Tensor, y: torch.Tensor, *, epochs: int = 100, lr: float = 1.0,
                     seed: int | None = None, record: bool = False) -> PerceptronRun:
    """Run the perceptron rule from ``w̃ = 0`` until an epoch without mistakes (or ``epochs`` epochs).

    ``X: (N, D)``, ``y: (N,)``. Point ``n`` is a mistake when ``t_n w̃·x̃_n ≤ 0``
    (``t_n = ±1``); then ``w̃ ← w̃ + lr · t_n x̃_n``: a missed positive adds its
    input to the weights, a missed negative subtracts it. Points are visited in
    the given order, or in a fresh random order each epoch when ``seed`` is an int.
    """
    Z = augmented_inputs(X)
    t = signs(y, len(Z))
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive int, got {epochs!r}")
    if not (isinstance(lr, (int, float)) and not isinstance(lr, bool) and lr > 0 and np.isfinite(lr)):
        raise ValueError(f"lr must be a positive finite number, got {lr!r}")
    Zn, tn = Z.numpy(), t.numpy()  # NumPy scalars keep the per-point loop fast
    rng = None if seed is None else np.random.default_rng(seed)
    w = np.zeros(Zn.shape[1])
    mistakes, epoch_weights, updates = [], [], []
    for _ in range(epochs):
        order = range(len(Zn)) if rng is None else rng.permutation(len(Zn))
        count = 0
        for n in order:
            if tn[n] * (w @ Zn[n]) <= 0:  # wrong side of the boundary, or on it
                w = w + lr * tn[n] * Zn[n]
                count += 1
                if record:
                    updates.append(w)
        mistakes.append(count)
        epoch_weights.append(torch.from_numpy(w.copy()))
        if count == 0:
            break
    recorded = torch.from_numpy(np.array(updates).reshape(-1, Zn.shape[1])) if record else None
    return PerceptronRun(torch.from_numpy(w), mistakes, epoch_weights, recorded, mistakes[-1] == 0, float(lr))


def predict(weight: torch.Tensor, X: torch.Tensor) -> torch.Tensor:
    """Class 1 where ``w̃·x̃ > 0``, else 0: ``X: (N, D) → (N,)`` int64."""
    Z = augmented_inputs(X)
    weight = _weight(weight, Z.shape[1])
    return (Z @ weight > 0).long()


def to_linear(weight: torch.Tensor) -> nn.Linear:
    """The perceptron ``(w, b)`` as an ``nn.Linear(D, 1)`` whose output is the score ``w·x + b``."""
    weight = torch.as_tensor(weight, dtype=torch.float64).reshape(-1)
    if len(weight) < 2:
        raise ValueError(f"weight must hold (w, b) with at least one input weight, got {len(weight)} entries")
    layer = nn.Linear(len(weight) - 1, 1)
    with torch.no_grad():
        layer.weight.copy_(weight[:-1].reshape(1, -1))
        layer.bias.copy_(weight[-1:])
    return layer


def _weight(weight: torch.Tensor, size: int) -> torch.Tensor:
    weight = torch.as_tensor(weight).detach().to("cpu", torch.float64).reshape(-1)
    if len(weight) != size:
        raise ValueError(f"weight must have {size} entries (D weights and a bias), got {len(weight)}")
    return weight


# ---------------------------------------------------------------- margins and the convergence bound

def radius(X: torch.Tensor) -> float:
    """R = max_n ‖x̃_n‖, the largest norm of an augmented point."""
    return float(augmented_inputs(X).norm(dim=1).max())


def margin(weight: torch.Tensor, X: torch.Tensor, y: torch.Tensor) -> float:
    """γ(w̃) = min_n t_n w̃·x̃_n / ‖w̃‖: positive exactly when ``w̃`` separates the data."""
    Z = augmented_inputs(X)
    weight = _weight(weight, Z.shape[1])
    norm = float(weight.norm())
    if norm == 0:
        raise ValueError("the zero weight vector has no margin")
    return float((signs(y, len(Z)) * (Z @ weight)).min()) / norm


def max_margin(X: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, float]:
    """The unit ``ũ`` with the largest margin γ (a hard-margin SVM through the origin of the augmented space).

    Solves ``min ‖v‖`` subject to ``t_n v·x̃_n ≥ 1``, so ``ũ = v/‖v‖`` and ``γ = 1/‖v‖``.
    This is a least-distance program, solved exactly (no line search, no step size)
    by Lawson and Hanson's reduction to non-negative least squares: with the
    ``(D + 2, N)`` matrix ``E`` whose column ``n`` is ``(t_n x̃_n, 1)``, find
    ``u ≥ 0`` minimising ``‖E u − e‖`` (``e`` the last unit vector); the residual
    ``r = E u − e`` gives ``v = −r[:D+1] / r[D+1]``. A zero residual means the
    constraints have no solution: then ``0`` lies in the convex hull of the points
    ``t_n x̃_n`` and no hyperplane separates the data (``ValueError``).
    """
    from scipy.optimize import nnls

    Z = augmented_inputs(X)
    Zt = (signs(y, len(Z))[:, None] * Z).numpy()  # rows t_n x̃_n
    scale = np.abs(Zt).max()  # work with O(1) numbers; v scales back by 1/scale
    G = Zt / scale
    E = np.vstack([G.T, np.ones(len(G))])
    e = np.zeros(len(E))
    e[-1] = 1.0
    u, _ = nnls(E, e, maxiter=50 * E.size)
    r = E @ u - e
    if -r[-1] < 1e-12:  # r[-1] = −(1 − Σu) ≤ 0; it vanishes when the residual does
        raise ValueError("no hyperplane separates the data: they are not linearly separable")
    v = -r[:-1] / r[-1] / scale
    if (Zt @ v).min() < 1 - 1e-6:
        raise RuntimeError(f"the max-margin solver returned an infeasible point (min t_n v·x̃_n = {(Zt @ v).min():.3g})")
    u_hat = torch.from_numpy(v / np.linalg.norm(v))
    return u_hat, margin(u_hat, X, y)


def mistake_bound(X: torch.Tensor, y: torch.Tensor, weight: torch.Tensor | None = None) -> float:
    """Novikoff's bound (R/γ)² on the number of perceptron updates, γ the margin of ``weight``
    (by default the maximum margin)."""
    gamma = max_margin(X, y)[1] if weight is None else margin(weight, X, y)
    if gamma <= 0:
        raise ValueError(f"weight does not separate the data (margin {gamma:.3g} ≤ 0): no bound")
    return (radius(X) / gamma) ** 2


# ---------------------------------------------------------------- data with a guaranteed margin

def linearly_separable(n: int = 100, margin: float = 0.1, *, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` points uniform in [−1, 1]², labelled by a random line, none closer to it than ``margin``.

    Returns ``X: (n, 2)`` float32 and ``y: (n,)`` int64 in {0, 1}, with both classes present.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"n must be an int ≥ 2, got {n!r}")
    if not 0 <= margin < 0.5:
        raise ValueError(f"margin must lie in [0, 0.5), got {margin}")
    gen = torch.Generator().manual_seed(seed)
    angle = 2 * np.pi * torch.rand((), generator=gen, dtype=torch.float64)
    normal = torch.stack([torch.cos(angle), torch.sin(angle)])
    offset = 0.3 * (2 * torch.rand((), generator=gen, dtype=torch.float64) - 1)  # line: normal·x = offset
    kept: list[torch.Tensor] = []
    while sum(len(k) for k in kept) < n:
        points = 2 * torch.rand(4 * n, 2, generator=gen, dtype=torch.float64) - 1
        kept.append(points[((points @ normal) - offset).abs() >= margin])
    X = torch.cat(kept)[:n]
    y = ((X @ normal) > offset).long()
    if y.min() == y.max():
        raise ValueError(f"seed {seed} put every point on one side; try another seed")
    return X.float(), y
