"""Stale gradients on a convex problem whose optimum is known: least squares.

Asynchronous SGD applies gradients computed on parameters that are ``τ`` updates
old. On a quadratic with curvature ``λ`` a delayed gradient step reads
``w_{t+1} = w_t − ηλ w_{t−τ}`` (measured from the optimum); it converges exactly when
every root of ``z^{τ+1} − z^τ + ηλ`` lies inside the unit circle, that is when
``ηλ < 2 sin(π / (2(2τ + 1)))``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LeastSquares:
    """``min_w ‖Xw − y‖²/(2n)``: ``X: (n, d)``, ``y: (n,)``, the optimum ``w_star: (d,)`` and the Hessian's
    largest eigenvalue ``curvature``."""

    X: np.ndarray
    y: np.ndarray
    w_star: np.ndarray
    curvature: float

    def loss(self, w: np.ndarray) -> float:
        """The mean loss ``‖Xw − y‖²/(2n)`` at ``w: (d,)``."""
        r = self.X @ w - self.y
        return float(r @ r / (2 * len(self.y)))

    def gradient(self, w: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """``Xᵀ(Xw − y)/n`` over ``rows`` (all by default): ``(d,) → (d,)``."""
        X, y = (self.X, self.y) if rows is None else (self.X[rows], self.y[rows])
        return X.T @ (X @ w - y) / len(y)


def least_squares(n: int = 512, d: int = 10, condition: float = 10.0, noise: float = 0.5,
                  seed: int = 0) -> LeastSquares:
    """A random least-squares problem whose feature scales make the Hessian's condition number about
    ``condition`` (largest eigenvalue about 1)."""
    if isinstance(n, bool) or not isinstance(n, int) or isinstance(d, bool) or not isinstance(d, int) \
            or n < d or d < 1:
        raise ValueError(f"need ints n >= d >= 1, got n={n!r}, d={d!r}")
    if not condition >= 1:
        raise ValueError(f"condition must be >= 1, got {condition!r}")
    if not noise >= 0:
        raise ValueError(f"noise must be >= 0, got {noise!r}")
    rng = np.random.default_rng(seed)
    scales = np.geomspace(1.0, 1.0 / math.sqrt(condition), d)
    X = rng.standard_normal((n, d)) * scales
    y = X @ rng.standard_normal(d) + noise * rng.standard_normal(n)
    H = X.T @ X / n
    return LeastSquares(X, y, np.linalg.solve(H, X.T @ y / n), float(np.linalg.eigvalsh(H)[-1]))


def stale_sgd(problem: LeastSquares, delay: int, lr: float, steps: int, batch_size: int,
              seed: int = 0) -> np.ndarray:
    """SGD from ``w = 0`` whose every gradient is computed at the iterate ``delay`` updates old (at
    ``w_0`` while fewer exist), on minibatches of ``batch_size`` drawn with replacement.

    Returns ``‖w_t − w*‖²`` for ``t = 0 … steps``: ``(steps + 1,)``; ``inf`` from the step it overflows.
    """
    if isinstance(delay, bool) or not isinstance(delay, int) or delay < 0:
        raise ValueError(f"delay must be an int >= 0, got {delay!r}")
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr!r}")
    for name, value in (("steps", steps), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    rng = np.random.default_rng(seed)
    n = len(problem.y)
    history = [np.zeros_like(problem.w_star)]  # w_0 … w_t, the last delay + 1 kept
    errors = np.full(steps + 1, np.inf)
    errors[0] = float(problem.w_star @ problem.w_star)
    for t in range(steps):
        stale = history[0] if len(history) <= delay else history[-1 - delay]
        w = history[-1] - lr * problem.gradient(stale, rng.integers(0, n, batch_size))
        e = float((w - problem.w_star) @ (w - problem.w_star))
        if not math.isfinite(e) or e > 1e12:
            break
        errors[t + 1] = e
        history = (history + [w])[-(delay + 1):]
    return errors


def delay_stability_limit(delay: int) -> float:
    """The largest stable ``ηλ`` of gradient descent with delay ``τ``: ``2 sin(π / (2(2τ + 1)))``."""
    if isinstance(delay, bool) or not isinstance(delay, int) or delay < 0:
        raise ValueError(f"delay must be an int >= 0, got {delay!r}")
    return 2 * math.sin(math.pi / (2 * (2 * delay + 1)))


def delayed_gd_spectral_radius(lr_curvature: float, delay: int) -> float:
    """Largest root modulus of ``z^{τ+1} − z^τ + ηλ``: below 1 exactly when delayed GD converges."""
    if isinstance(delay, bool) or not isinstance(delay, int) or delay < 0:
        raise ValueError(f"delay must be an int >= 0, got {delay!r}")
    coefficients = np.zeros(delay + 2)
    coefficients[0], coefficients[1], coefficients[-1] = 1.0, -1.0, lr_curvature
    if delay == 0:
        coefficients = np.array([1.0, lr_curvature - 1.0])
    return float(np.abs(np.roots(coefficients)).max())
