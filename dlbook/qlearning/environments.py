"""The environments of the chapter: checks on what kind an environment is, a tabular model read from a
gymnasium toy-text transition table, a tiny MDP with a maximisation bias, and a discretised observation."""
from __future__ import annotations

import gymnasium as gym
import numpy as np
from gymnasium import spaces


def _name(env) -> str:
    spec = getattr(env, "spec", None)
    return spec.id if spec is not None else type(getattr(env, "unwrapped", env)).__name__


def require_discrete_actions(env: gym.Env) -> int:
    """The number of actions of ``env``; a ``TypeError`` unless its action space is ``Discrete``."""
    if not isinstance(env, gym.Env):
        raise TypeError(f"expected a gymnasium.Env, got {type(env).__name__}")
    if not isinstance(env.action_space, spaces.Discrete):
        raise TypeError(f"{_name(env)} has action space {env.action_space}; Q-learning needs a finite "
                        "set of actions (spaces.Discrete) to take a max over")
    return int(env.action_space.n)


def require_discrete_states(env: gym.Env) -> int:
    """The number of states of ``env``; a ``TypeError`` unless its observation space is ``Discrete``."""
    require_discrete_actions(env)
    if not isinstance(env.observation_space, spaces.Discrete):
        raise TypeError(f"{_name(env)} has observation space {env.observation_space}; a Q-table needs "
                        "discrete states (wrap it in qlearning.Discretize, or use train_dqn)")
    return int(env.observation_space.n)


def transition_table(P) -> dict:
    """The transition table ``P[s][a] = [(probability, next_state, reward, terminated), ...]``.

    Accepts the table itself or an environment that has one (``env.unwrapped.P``, as gymnasium's
    FrozenLake, CliffWalking and Taxi do); anything else is a ``TypeError`` naming what is missing.
    """
    if isinstance(P, gym.Env):
        if not hasattr(P.unwrapped, "P"):
            raise TypeError(f"{_name(P)} has no transition table env.unwrapped.P; dynamic programming "
                            "needs the model of a tabular environment (FrozenLake, CliffWalking, Taxi)")
        P = P.unwrapped.P
    if not isinstance(P, dict) or not P or not all(isinstance(row, dict) and row for row in P.values()):
        raise TypeError("P must be a dict {state: {action: [(probability, next_state, reward, terminated)]}}, "
                        f"got {type(P).__name__}")
    return P


def tabular_model(P) -> tuple[np.ndarray, np.ndarray]:
    """Expected rewards and continuation probabilities of a transition table.

    Returns ``R: (S, A)`` with ``R[s, a] = Σ p r`` and ``M: (S, A, S)`` with
    ``M[s, a, s'] = Σ p (1 − terminated)``: the probability of moving to ``s'`` *and going on*,
    so that terminal transitions do not bootstrap. Probabilities must be in ``[0, 1]`` and sum to one.
    """
    P = transition_table(P)
    n_states = len(P)
    n_actions = {len(row) for row in P.values()}
    if len(n_actions) != 1:
        raise ValueError(f"every state needs the same number of actions, got {sorted(n_actions)}")
    (n_actions,) = n_actions
    if sorted(P) != list(range(n_states)):
        raise ValueError(f"states must be numbered 0..{n_states - 1}")
    R = np.zeros((n_states, n_actions))
    M = np.zeros((n_states, n_actions, n_states))
    for s, row in P.items():
        if sorted(row) != list(range(n_actions)):
            raise ValueError(f"state {s}: actions must be numbered 0..{n_actions - 1}")
        for a, outcomes in row.items():
            total = 0.0
            for p, s_next, r, terminated in outcomes:
                if not 0.0 <= p <= 1.0:
                    raise ValueError(f"P[{s}][{a}] has probability {p} outside [0, 1]")
                if not 0 <= int(s_next) < n_states:
                    raise ValueError(f"P[{s}][{a}] leads to state {s_next}, outside 0..{n_states - 1}")
                total += p
                R[s, a] += p * r
                M[s, a, int(s_next)] += p * (1.0 - float(terminated))
            if abs(total - 1.0) > 1e-8:
                raise ValueError(f"P[{s}][{a}]: probabilities sum to {total}, not 1")
    return R, M


class MaximizationBias(gym.Env):
    """Sutton and Barto's maximisation-bias MDP, with a transition table ``P``.

    State 0 (A): action 0 moves to state 1 (B) with reward 0; every other action ends the episode with
    reward 0. State 1 (B): every action ends the episode with reward ``mean ± 1`` (each with probability
    ½: mean ``mean``, variance 1). State 2 is terminal. With ``mean < 0``, going to B is a mistake that
    a learner who maximises over noisy estimates makes often.
    """

    metadata = {"render_modes": []}

    def __init__(self, n_actions: int = 10, mean: float = -0.1):
        if not isinstance(n_actions, int) or n_actions < 2:
            raise ValueError(f"n_actions must be an int ≥ 2, got {n_actions!r}")
        self.observation_space = spaces.Discrete(3)
        self.action_space = spaces.Discrete(n_actions)
        self.mean = float(mean)
        noisy = [(0.5, 2, self.mean + 1.0, True), (0.5, 2, self.mean - 1.0, True)]
        self.P = {0: {a: [(1.0, 1, 0.0, False)] if a == 0 else [(1.0, 2, 0.0, True)] for a in range(n_actions)},
                  1: {a: list(noisy) for a in range(n_actions)},
                  2: {a: [(1.0, 2, 0.0, True)] for a in range(n_actions)}}
        self.state = 0

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        self.state = 0
        return 0, {}

    def step(self, action):
        outcomes = self.P[self.state][int(action)]
        p = [o[0] for o in outcomes]
        _, s_next, reward, terminated = outcomes[self.np_random.choice(len(outcomes), p=p)]
        self.state = s_next
        return s_next, reward, terminated, False, {}


class Discretize(gym.ObservationWrapper):
    """Turns a ``Box`` observation into one ``Discrete`` state by binning each coordinate.

    ``bins[i]`` equal-width bins span ``[low[i], high[i]]`` (values outside fall in the end bins); the
    state is the mixed-radix number of the bin indices, so there are ``prod(bins)`` states.
    """

    def __init__(self, env: gym.Env, bins, low, high):
        super().__init__(env)
        if not isinstance(env.observation_space, spaces.Box) or len(env.observation_space.shape) != 1:
            raise TypeError(f"Discretize needs a flat Box observation space, got {env.observation_space}")
        self.bins, self.low, self.high = (np.asarray(v) for v in (bins, low, high))
        dim = env.observation_space.shape[0]
        if not (self.bins.shape == self.low.shape == self.high.shape == (dim,)):
            raise ValueError(f"bins, low and high need one entry per coordinate ({dim})")
        if (self.bins < 1).any() or not (self.high > self.low).all():
            raise ValueError("every coordinate needs ≥ 1 bin and high > low")
        self.observation_space = spaces.Discrete(int(np.prod(self.bins)))

    def observation(self, observation):
        scaled = (np.asarray(observation) - self.low) / (self.high - self.low)
        index = np.clip((scaled * self.bins).astype(int), 0, self.bins - 1)
        return int(np.ravel_multi_index(index, self.bins))
