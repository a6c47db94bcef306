"""Exploration and learning-rate schedules, and ε-greedy action choice."""
from __future__ import annotations

import numpy as np


def linear_schedule(start: float, end: float, duration: int, t: int) -> float:
    """``start`` moving linearly to ``end`` over ``duration`` steps, then ``end``: the usual ε schedule."""
    if not isinstance(duration, (int, np.integer)) or duration < 0:
        raise ValueError(f"duration must be a non-negative int, got {duration!r}")
    if t < 0:
        raise ValueError(f"t must be non-negative, got {t}")
    if duration == 0 or t >= duration:
        return float(end)
    return float(start + (end - start) * t / duration)


def visit_learning_rate(alpha: float, visits: int, power: float) -> float:
    """``α_n = α / n^ω`` after ``n ≥ 1`` visits of a pair. ``ω = 0`` is a constant rate; ``ω ∈ (½, 1]``
    meets the Robbins–Monro conditions ``Σ α_n = ∞``, ``Σ α_n² < ∞`` under which tabular Q-learning
    converges."""
    if not 0 < alpha <= 1:
        raise ValueError(f"alpha must be in (0, 1], got {alpha}")
    if not 0 <= power <= 1:
        raise ValueError(f"power must be in [0, 1], got {power}")
    if visits < 1:
        raise ValueError(f"visits must be ≥ 1, got {visits}")
    return alpha / visits ** power


def epsilon_greedy(q_values, epsilon: float, rng: np.random.Generator) -> int:
    """A uniformly random action with probability ``ε``, else a greedy one (ties broken at random).

    ``q_values: (A,)``, one state's action values → an action index.
    """
    if not 0.0 <= epsilon <= 1.0:
        raise ValueError(f"epsilon is a probability, must be in [0, 1], got {epsilon}")
    q_values = np.asarray(q_values)
    if q_values.ndim != 1 or len(q_values) == 0:
        raise ValueError(f"q_values must be one state's (n_actions,) vector, got shape {q_values.shape}")
    if rng.random() < epsilon:
        return int(rng.integers(len(q_values)))
    best = np.flatnonzero(q_values == q_values.max())
    return int(best[0] if len(best) == 1 else rng.choice(best))
