"""Stragglers: a synchronous step lasts as long as its slowest worker.

If each worker's step time is an independent draw from a distribution F, a
barrier makes the step last ``max(T_1, …, T_N)``. For the empirical distribution
of ``m`` measured times ``t_(1) ≤ … ≤ t_(m)`` its expectation is exact:
``E[max] = Σ_k t_(k) ((k/m)^N − ((k − 1)/m)^N)``.
"""
from __future__ import annotations

import numpy as np


def _samples(times) -> np.ndarray:
    t = np.sort(np.asarray(times, dtype=float).reshape(-1))
    if t.size == 0:
        raise ValueError("times is empty: need at least one measured step time")
    if not np.isfinite(t).all() or (t < 0).any():
        raise ValueError("times must be finite and >= 0 (seconds)")
    return t


def expected_max(times, n_workers) -> np.ndarray:
    """Expected slowest of ``N`` independent draws from the measured ``times: (m,)``; ``n_workers``
    an int or array of ints ``(K,)`` → the same shape."""
    t = _samples(times)
    n = np.asarray(n_workers)
    if not np.issubdtype(n.dtype, np.integer) or (n < 1).any():
        raise ValueError(f"n_workers must be integers >= 1, got {n_workers!r}")
    m = t.size
    k = np.arange(1, m + 1)
    cdf_power = lambda q: (q[:, None] / m) ** n.reshape(-1)[None, :]  # noqa: E731
    weights = cdf_power(k) - cdf_power(k - 1)  # P(the maximum is the k-th smallest): (m, K)
    return (t @ weights).reshape(n.shape)


def sampled_max(times, n_workers: int, draws: int, seed: int = 0) -> float:
    """Monte Carlo estimate of :func:`expected_max`: the mean over ``draws`` of the largest of
    ``n_workers`` times drawn with replacement."""
    t = _samples(times)
    if isinstance(n_workers, bool) or not isinstance(n_workers, int) or n_workers < 1:
        raise ValueError(f"n_workers must be an int >= 1, got {n_workers!r}")
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise ValueError(f"draws must be a positive int, got {draws!r}")
    rng = np.random.default_rng(seed)
    return float(rng.choice(t, size=(draws, n_workers)).max(1).mean())


def sync_efficiency(times, n_workers) -> np.ndarray:
    """The share of a synchronous step spent computing rather than waiting: ``E[T] / E[max of N]``."""
    return _samples(times).mean() / expected_max(times, n_workers)
