"""The α–β cost of averaging S bytes over N workers: ring, binary tree and parameter server.

A message of ``m`` bytes costs ``α + m/β``: a latency ``α`` (seconds) and a bandwidth
``β`` (bytes per second). Times are for one all-reduce of the whole gradient.
"""
from __future__ import annotations

import math

import numpy as np


def _check(n_workers, size_bytes, alpha, beta) -> None:
    n = np.asarray(n_workers)
    if not np.issubdtype(n.dtype, np.integer) or (n < 1).any():
        raise ValueError(f"n_workers must be integers >= 1, got {n_workers!r}")
    if not np.all(np.asarray(size_bytes) >= 0):
        raise ValueError(f"size_bytes must be >= 0, got {size_bytes!r}")
    if not alpha >= 0:
        raise ValueError(f"alpha (latency, s) must be >= 0, got {alpha!r}")
    if not beta > 0:
        raise ValueError(f"beta (bandwidth, bytes/s) must be > 0, got {beta!r}")


def ring_time(n_workers, size_bytes, alpha: float, beta: float):
    """Ring all-reduce: ``2(N − 1)`` steps of one chunk, ``2(N − 1)(α + S/(Nβ))``. Arrays broadcast."""
    _check(n_workers, size_bytes, alpha, beta)
    n = np.asarray(n_workers, dtype=float)
    return 2 * (n - 1) * (alpha + np.asarray(size_bytes) / (n * beta))


def tree_time(n_workers, size_bytes, alpha: float, beta: float):
    """Binary-tree reduce then broadcast: ``2⌈log₂N⌉`` rounds of the whole message, ``2⌈log₂N⌉(α + S/β)``."""
    _check(n_workers, size_bytes, alpha, beta)
    rounds = np.ceil(np.log2(np.asarray(n_workers, dtype=float)))
    return 2 * rounds * (alpha + np.asarray(size_bytes) / beta)


def parameter_server_time(n_workers, size_bytes, alpha: float, beta: float):
    """One parameter server: its link receives N gradients and sends N copies, ``2(α + N·S/β)`` (N > 1)."""
    _check(n_workers, size_bytes, alpha, beta)
    n = np.asarray(n_workers, dtype=float)
    return np.where(n > 1, 2 * (alpha + n * np.asarray(size_bytes) / beta), 0.0)


def ring_bytes_per_worker(n_workers: int, size_bytes: int) -> float:
    """Bytes each rank sends in a ring all-reduce: ``2(N − 1)/N · S``."""
    _check(n_workers, size_bytes, 0.0, 1.0)
    return 2 * (n_workers - 1) / n_workers * size_bytes


def tree_schedule(n_workers: int) -> list[list[tuple[int, int]]]:
    """The rounds of a binary-tree reduction to rank 0: in round k, rank ``r`` with ``r mod 2^(k+1) = 2^k``
    sends to ``r − 2^k``. A list of rounds, each a list of ``(src, dst)``; ``⌈log₂N⌉`` rounds.
    The broadcast back runs the same rounds in reverse."""
    if isinstance(n_workers, bool) or not isinstance(n_workers, int) or n_workers < 1:
        raise ValueError(f"n_workers must be an int >= 1, got {n_workers!r}")
    rounds, k = [], 0
    while 2**k < n_workers:
        rounds.append([(r, r - 2**k) for r in range(n_workers) if r % 2 ** (k + 1) == 2**k])
        k += 1
    assert len(rounds) == math.ceil(math.log2(n_workers)) if n_workers > 1 else not rounds
    return rounds
