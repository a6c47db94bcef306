"""Bellman operators on a known model, value iteration and policy iteration."""
from __future__ import annotations

import numpy as np

from .environments import tabular_model


def _check_gamma(gamma: float) -> float:
    if isinstance(gamma, bool) or not isinstance(gamma, (int, float, np.floating)) or not 0.0 <= gamma < 1.0:
        raise ValueError(f"gamma must be a number in [0, 1) (the Bellman operator contracts by gamma), "
                         f"got {gamma!r}")
    return float(gamma)


def _check_q(Q, R) -> np.ndarray:
    Q = np.asarray(Q, dtype=float)
    if Q.shape != R.shape:
        raise ValueError(f"Q must have shape (n_states, n_actions) = {R.shape}, got {Q.shape}")
    return Q


def bellman_optimality(Q, R, M, gamma: float) -> np.ndarray:
    """The Bellman optimality operator ``(TQ)(s, a) = R(s, a) + γ Σ_s' M(s, a, s') max_a' Q(s', a')``.

    ``Q: (S, A)``, ``R: (S, A)`` and ``M: (S, A, S)`` from :func:`tabular_model` → ``(S, A)``.
    """
    Q = _check_q(Q, R)
    return R + _check_gamma(gamma) * M @ Q.max(axis=1)


def bellman_expectation(Q, policy, R, M, gamma: float) -> np.ndarray:
    """The Bellman expectation operator of ``policy: (S, A)`` (rows are action probabilities):
    ``(T^π Q)(s, a) = R(s, a) + γ Σ_s' M(s, a, s') Σ_a' π(a'|s') Q(s', a')`` → ``(S, A)``."""
    Q = _check_q(Q, R)
    policy = np.asarray(policy, dtype=float)
    if policy.shape != R.shape:
        raise ValueError(f"policy must have shape {R.shape}, got {policy.shape}")
    if (policy < 0).any() or not np.allclose(policy.sum(axis=1), 1.0):
        raise ValueError("every row of policy must be a probability distribution over actions")
    return R + _check_gamma(gamma) * M @ (policy * Q).sum(axis=1)


def value_iteration(P, gamma: float, tol: float = 1e-10, max_iterations: int = 100_000) -> np.ndarray:
    """``Q*: (n_states, n_actions)`` by iterating ``Q ← TQ`` from zero until ``‖TQ − Q‖∞ < tol``.

    ``P`` is a toy-text transition table (``env.unwrapped.P``) or an environment that has one.
    Since ``T`` is a γ-contraction, the result is within ``γ tol / (1 − γ)`` of ``Q*``.
    """
    gamma = _check_gamma(gamma)
    if not tol > 0:
        raise ValueError(f"tol must be positive, got {tol}")
    R, M = tabular_model(P)
    Q = np.zeros_like(R)
    for _ in range(max_iterations):
        Q_next = R + gamma * M @ Q.max(axis=1)   # Q ← TQ
        done = np.abs(Q_next - Q).max() < tol
        Q = Q_next
        if done:
            return Q
    raise RuntimeError(f"value iteration did not reach tol={tol} in {max_iterations} iterations")


def greedy_policy(Q) -> np.ndarray:
    """The deterministic greedy policy ``π(a|s) = 1[a = argmax_a' Q(s, a')]`` as ``(S, A)`` one-hot rows
    (ties go to the lowest action, as ``argmax``)."""
    Q = np.asarray(Q, dtype=float)
    if Q.ndim != 2:
        raise ValueError(f"Q must be (n_states, n_actions), got shape {Q.shape}")
    return np.eye(Q.shape[1])[Q.argmax(axis=1)]


def policy_evaluation(P, policy, gamma: float) -> np.ndarray:
    """``Q^π: (S, A)`` exactly, by solving the linear system ``Q = R + γ M Π Q`` of the expectation equation."""
    gamma = _check_gamma(gamma)
    R, M = tabular_model(P)
    policy = np.asarray(policy, dtype=float)
    if policy.shape != R.shape:
        raise ValueError(f"policy must have shape {R.shape}, got {policy.shape}")
    S, A = R.shape
    # (ΠQ)(s') = Σ_a' π(a'|s') Q(s', a'): a matrix (S, S·A) acting on Q flattened
    Pi = np.zeros((S, S * A))
    for s in range(S):
        Pi[s, s * A:(s + 1) * A] = policy[s]
    system = np.eye(S * A) - gamma * M.reshape(S * A, S) @ Pi
    return np.linalg.solve(system, R.reshape(-1)).reshape(S, A)


def policy_iteration(P, gamma: float, max_iterations: int = 1000) -> tuple[np.ndarray, np.ndarray, int]:
    """Alternate exact evaluation and greedy improvement until the policy is stable.

    Returns ``(Q^π, policy (S, A) one-hot, iterations)``. Improvement switches action only when it
    gains more than ``1e-12``, so the loop cannot cycle between equally good actions.
    """
    R, _ = tabular_model(P)
    policy = np.eye(R.shape[1])[np.zeros(R.shape[0], dtype=int)]
    for iteration in range(1, max_iterations + 1):
        Q = policy_evaluation(P, policy, gamma)
        current = policy.argmax(axis=1)
        best = Q.argmax(axis=1)
        gains = Q[np.arange(len(Q)), best] - Q[np.arange(len(Q)), current]
        improved = np.where(gains > 1e-12, best, current)
        if (improved == current).all():
            return Q, policy, iteration
        policy = np.eye(R.shape[1])[improved]
    raise RuntimeError(f"policy iteration did not settle in {max_iterations} iterations")
