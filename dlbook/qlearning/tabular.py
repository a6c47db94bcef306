"""Tabular Q-learning (optionally Double Q-learning) and SARSA with ε-greedy exploration."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import gymnasium as gym
import numpy as np

from ..history import History
from ..train import TrainingDiverged
from .environments import require_discrete_states
from .schedules import epsilon_greedy, linear_schedule, visit_learning_rate


@dataclass
class TabularConfig:
    """Settings of :func:`q_learning` and :func:`sarsa`."""

    episodes: int = 1000
    """Number of episodes to run."""
    gamma: float = 0.99
    """Discount factor γ in [0, 1]."""
    alpha: float = 0.1
    """Learning rate α (the first visit's rate when ``alpha_power > 0``)."""
    alpha_power: float = 0.0
    """ω in ``α / n(s, a)^ω``: 0 keeps α constant; ω ∈ (½, 1] meets the Robbins–Monro conditions."""
    epsilon_start: float = 1.0
    """Exploration probability ε at the first episode."""
    epsilon_end: float = 0.05
    """ε after the exploration phase."""
    exploration_fraction: float = 0.5
    """Fraction of the episodes over which ε falls linearly from start to end."""
    initial_q: float = 0.0
    """Every entry of the table at the start (optimistic values explore)."""
    max_steps: int = 1000
    """Cap on an episode's length, for environments without a time limit (CliffWalking)."""
    double: bool = False
    """Double Q-learning (van Hasselt, 2010): two tables, one picks the action, the other values it."""
    total_steps: int | None = None
    """Stop after this many environment steps in all, mid-episode if need be (None: run every episode)."""
    seed: int = 0
    """Seeds the environment and the exploration."""

    def __post_init__(self):
        if not isinstance(self.episodes, int) or self.episodes < 1:
            raise ValueError(f"episodes must be a positive int, got {self.episodes!r}")
        if not 0.0 <= self.gamma <= 1.0:
            raise ValueError(f"gamma must be in [0, 1], got {self.gamma}")
        for name in ("epsilon_start", "epsilon_end", "exploration_fraction"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {getattr(self, name)}")
        visit_learning_rate(self.alpha, 1, self.alpha_power)  # checks alpha and alpha_power
        if self.total_steps is not None and self.total_steps < 1:
            raise ValueError(f"total_steps must be ≥ 1 or None, got {self.total_steps}")
        if self.max_steps < 1:
            raise ValueError(f"max_steps must be ≥ 1, got {self.max_steps}")


def _start(env, config, q_star):
    n_states = require_discrete_states(env)
    n_actions = int(env.action_space.n)
    if not isinstance(config, TabularConfig):
        raise TypeError(f"config must be a TabularConfig, got {type(config).__name__}")
    if q_star is not None and np.shape(q_star) != (n_states, n_actions):
        raise ValueError(f"q_star must have shape {(n_states, n_actions)}, got {np.shape(q_star)}")
    return np.full((n_states, n_actions), config.initial_q, dtype=float), np.zeros((n_states, n_actions))


def _record(history, episode, Q, ret, length, epsilon, q_star, callback):
    if not np.isfinite(Q).all():
        raise TrainingDiverged(f"the Q-table became non-finite in episode {episode}; lower alpha",
                               history, episode, length)
    row = {"return": ret, "length": length, "epsilon": epsilon}
    if q_star is not None:
        row["error"] = float(np.abs(Q - q_star).max())  # ‖Q − Q*‖∞
    history.append(episode, row)
    if callback is not None:
        callback(episode, Q)


def q_learning(env: gym.Env, config: TabularConfig, *, q_star=None,
               callback: Callable[[int, np.ndarray], None] | None = None) -> tuple[np.ndarray, History]:
    """Off-policy TD control: ``Q(s,a) += α [r + γ max_a' Q(s',a') − Q(s,a)]`` while acting ε-greedily.

    ``env`` has discrete states and actions. Returns ``(Q: (S, A), history)``; the history has one row
    per episode with ``return``, ``length``, ``epsilon`` and, given ``q_star``, ``error = ‖Q − Q*‖∞``.
    ``callback(episode, Q)`` runs after each episode. Ctrl-C stops the run and keeps the history.
    """
    Q, visits = _start(env, config, q_star)
    Q_b = Q.copy()  # the second table of Double Q-learning (unused otherwise)
    rng = np.random.default_rng(config.seed)
    history = History()
    decay = int(config.exploration_fraction * config.episodes)
    budget = config.total_steps if config.total_steps is not None else float("inf")
    try:
        for episode in range(config.episodes):
            if budget <= 0:
                break
            epsilon = linear_schedule(config.epsilon_start, config.epsilon_end, decay, episode)
            state, _ = env.reset(seed=config.seed if episode == 0 else None)
            ret, length, done = 0.0, 0, False
            while not done and length < min(config.max_steps, budget):
                behaviour = Q + Q_b if config.double else Q
                action = epsilon_greedy(behaviour[state], epsilon, rng)
                next_state, reward, terminated, truncated, _ = env.step(action)
                visits[state, action] += 1
                alpha = visit_learning_rate(config.alpha, visits[state, action], config.alpha_power)
                if config.double and rng.random() < 0.5:
                    Q, Q_b = Q_b, Q  # update the other table this time
                # Double: one table picks a', the other values it; plain: max_a' Q(s', a')
                best = int(Q[next_state].argmax())
                bootstrap = (Q_b if config.double else Q)[next_state, best]
                target = reward + config.gamma * bootstrap * (not terminated)
                Q[state, action] += alpha * (target - Q[state, action])
                state, ret, length = next_state, ret + reward, length + 1
                done = terminated or truncated
            budget -= length
            estimate = (Q + Q_b) / 2 if config.double else Q
            _record(history, episode, estimate, ret, length, epsilon, q_star, callback)
    except KeyboardInterrupt:
        history.interrupted = True
    return ((Q + Q_b) / 2 if config.double else Q), history


def sarsa(env: gym.Env, config: TabularConfig, *, q_star=None,
          callback: Callable[[int, np.ndarray], None] | None = None) -> tuple[np.ndarray, History]:
    """On-policy TD control: ``Q(s,a) += α [r + γ Q(s',a') − Q(s,a)]`` with ``a'`` the action the ε-greedy
    policy will actually take next. Same arguments and results as :func:`q_learning`."""
    if config.double:
        raise ValueError("double=True is a Q-learning option; SARSA has no max to de-bias")
    Q, visits = _start(env, config, q_star)
    rng = np.random.default_rng(config.seed)
    history = History()
    decay = int(config.exploration_fraction * config.episodes)
    budget = config.total_steps if config.total_steps is not None else float("inf")
    try:
        for episode in range(config.episodes):
            if budget <= 0:
                break
            epsilon = linear_schedule(config.epsilon_start, config.epsilon_end, decay, episode)
            state, _ = env.reset(seed=config.seed if episode == 0 else None)
            action = epsilon_greedy(Q[state], epsilon, rng)
            ret, length, done = 0.0, 0, False
            while not done and length < min(config.max_steps, budget):
                next_state, reward, terminated, truncated, _ = env.step(action)
                next_action = epsilon_greedy(Q[next_state], epsilon, rng)  # a' ~ π, the behaviour policy
                visits[state, action] += 1
                alpha = visit_learning_rate(config.alpha, visits[state, action], config.alpha_power)
                target = reward + config.gamma * Q[next_state, next_action] * (not terminated)
                Q[state, action] += alpha * (target - Q[state, action])
                state, action, ret, length = next_state, next_action, ret + reward, length + 1
                done = terminated or truncated
            budget -= length
            _record(history, episode, Q, ret, length, epsilon, q_star, callback)
    except KeyboardInterrupt:
        history.interrupted = True
    return Q, history


def greedy_path(env: gym.Env, Q, *, max_steps: int = 200, seed: int = 0) -> tuple[list[int], float]:
    """States visited by the greedy policy of ``Q: (S, A)`` in one episode, and its return."""
    n_states = require_discrete_states(env)
    if np.shape(Q) != (n_states, env.action_space.n):
        raise ValueError(f"Q must have shape {(n_states, env.action_space.n)}, got {np.shape(Q)}")
    state, _ = env.reset(seed=seed)
    path, ret = [int(state)], 0.0
    for _ in range(max_steps):
        state, reward, terminated, truncated, _ = env.step(int(np.argmax(Q[state])))
        path.append(int(state))
        ret += reward
        if terminated or truncated:
            break
    return path, ret
