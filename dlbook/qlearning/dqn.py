"""Deep Q-networks (Mnih et al., 2015) with the switches for the chapter's ablations: the replay
buffer, the target network and the Double DQN target can each be turned off or on."""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass

import gymnasium as gym
import numpy as np
import torch
from torch import nn

from ..config import get_device
from ..history import History
from ..losses import huber
from ..optimization import clip_grad_norm_
from ..train import TrainingDiverged
from .environments import require_discrete_actions
from .replay import ReplayBuffer
from .schedules import linear_schedule


@dataclass
class DQNConfig:
    """Settings of :func:`train_dqn`; the defaults learn CartPole-v1."""

    env_id: str = "CartPole-v1"
    """A gymnasium environment with a flat ``Box`` observation and ``Discrete`` actions."""
    total_steps: int = 20_000
    """Environment steps to run."""
    learning_rate: float = 2.5e-3
    """Adam's step size."""
    buffer_size: int = 20_000
    """Capacity of the replay buffer (transitions)."""
    batch_size: int = 128
    """Transitions per gradient step."""
    gamma: float = 0.99
    """Discount factor γ."""
    target_update: int = 200
    """Copy the online network into the target network every this many steps; 0 means no target
    network (the TD target uses the online network itself)."""
    replay: bool = True
    """Sample batches uniformly from the buffer; False trains on the ``batch_size`` latest transitions."""
    double: bool = False
    """Double DQN: the online network picks the next action, the target network values it."""
    train_frequency: int = 4
    """Environment steps per gradient step."""
    learning_starts: int = 500
    """Steps of acting (with ε-greedy exploration) before the first gradient step."""
    epsilon_start: float = 1.0
    """Exploration probability at the start."""
    epsilon_end: float = 0.05
    """Exploration probability after the decay."""
    exploration_fraction: float = 0.2
    """Fraction of ``total_steps`` over which ε decays linearly."""
    max_grad_norm: float = 10.0
    """Clip the gradient's joint norm to this (chapter 4's ``clip_grad_norm_``)."""
    huber_delta: float = 1.0
    """δ of the Huber loss on the TD error (chapter 3)."""
    hidden: tuple[int, ...] = (64, 64)
    """Widths of the Q-network's hidden layers."""
    eval_every: int = 1000
    """Steps between greedy evaluations (one history row each)."""
    eval_episodes: int = 5
    """Greedy episodes per evaluation, run side by side."""
    seed: int = 0
    """Seeds the network, the environment, exploration and sampling."""

    def __post_init__(self):
        for name in ("total_steps", "buffer_size", "batch_size", "train_frequency", "eval_every",
                     "eval_episodes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        if self.target_update < 0 or self.learning_starts < 0:
            raise ValueError("target_update and learning_starts must be non-negative")
        if self.batch_size > self.buffer_size:
            raise ValueError(f"batch_size {self.batch_size} exceeds buffer_size {self.buffer_size}")
        for name in ("gamma", "epsilon_start", "epsilon_end", "exploration_fraction"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {getattr(self, name)}")
        if not self.learning_rate > 0 or not self.max_grad_norm > 0 or not self.huber_delta > 0:
            raise ValueError("learning_rate, max_grad_norm and huber_delta must be positive")


def q_network(observation_size: int, n_actions: int, hidden=(64, 64)) -> nn.Sequential:
    """An MLP ``(N, observation_size) → (N, n_actions)``: one Q-value per action, ReLU between layers."""
    sizes = (observation_size, *hidden)
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(sizes[-1], n_actions))


def make_env(env_id: str, seed: int | None = None) -> gym.Env:
    """``gym.make(env_id)``, checked to have a flat ``Box`` observation and ``Discrete`` actions."""
    env = gym.make(env_id)
    require_discrete_actions(env)
    space = env.observation_space
    if not isinstance(space, gym.spaces.Box) or len(space.shape) != 1:
        env.close()
        raise TypeError(f"{env_id} has observation space {space}; the Q-network takes a flat vector")
    if seed is not None:
        env.action_space.seed(seed)
    return env


@torch.no_grad()
def evaluate_greedy(model: nn.Module, env_id: str, episodes: int = 10, seed: int = 10_000,
                    epsilon: float = 0.0) -> np.ndarray:
    """Returns ``(episodes,)`` of the greedy policy ``argmax_a model(s)_a`` (ε-greedy if ``epsilon > 0``),
    with the episodes run side by side so the network sees one batch per step."""
    if episodes < 1:
        raise ValueError(f"episodes must be ≥ 1, got {episodes}")
    device = next(model.parameters()).device
    envs = [make_env(env_id) for _ in range(episodes)]
    rng = np.random.default_rng(seed)
    obs = np.stack([env.reset(seed=seed + i)[0] for i, env in enumerate(envs)])
    returns, running = np.zeros(episodes), np.ones(episodes, dtype=bool)
    while running.any():
        live = np.flatnonzero(running)
        q = model(torch.as_tensor(obs[live], dtype=torch.float32, device=device))
        actions = q.argmax(1).cpu().numpy()
        for i, action in zip(live, actions):
            if rng.random() < epsilon:
                action = envs[i].action_space.sample()
            obs[i], reward, terminated, truncated, _ = envs[i].step(int(action))
            returns[i] += reward
            running[i] = not (terminated or truncated)
    for env in envs:
        env.close()
    return returns


def train_dqn(config: DQNConfig, device: torch.device | str | None = None) -> tuple[nn.Module, History]:
    """Train a Q-network on ``config.env_id`` and return ``(q_network, history)``.

    One history row every ``eval_every`` steps (its "epoch" is the step count): ``eval_return`` (greedy,
    mean over ``eval_episodes``), ``train_return`` (mean of the ε-greedy episodes finished since the last
    row), ``loss``, ``q_mean`` (mean Q of the trained pairs) and ``epsilon``. A non-finite loss raises
    :class:`dlbook.TrainingDiverged` with the history so far; Ctrl-C returns what was learned.
    """
    if not isinstance(config, DQNConfig):
        raise TypeError(f"config must be a DQNConfig, got {type(config).__name__}")
    device = get_device(device) if not isinstance(device, torch.device) else device
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    env = make_env(config.env_id, seed=config.seed)
    n_actions, obs_shape = int(env.action_space.n), env.observation_space.shape

    q_net = q_network(obs_shape[0], n_actions, config.hidden).to(device)
    # without a target network, the TD target bootstraps from the very network being trained
    target_net = copy.deepcopy(q_net) if config.target_update > 0 else q_net
    # the fused kernel does Adam's update in one call: a third of the time for a network this small
    optimizer = torch.optim.Adam(q_net.parameters(), lr=config.learning_rate,
                                 fused=device.type in ("cpu", "cuda"))
    buffer = ReplayBuffer(config.buffer_size, obs_shape, device)
    history = History()
    decay = int(config.exploration_fraction * config.total_steps)
    losses, q_means, episode_returns, started = [], [], [], time.perf_counter()

    obs, _ = env.reset(seed=config.seed)
    episode_return = 0.0
    try:
        for step in range(1, config.total_steps + 1):
            # 1. act ε-greedily and store the transition
            epsilon = linear_schedule(config.epsilon_start, config.epsilon_end, decay, step)
            if rng.random() < epsilon:
                action = int(rng.integers(n_actions))
            else:
                with torch.no_grad():
                    action = int(q_net(torch.as_tensor(obs, device=device)[None]).argmax())
            next_obs, reward, terminated, truncated, _ = env.step(action)
            # only a true ending stops the bootstrap; a time-limit truncation does not
            buffer.add(obs, action, reward, next_obs, terminated)
            obs, episode_return = next_obs, episode_return + reward
            if terminated or truncated:
                episode_returns.append(episode_return)
                obs, _ = env.reset()
                episode_return = 0.0

            # 2. one gradient step on the Huber loss of the TD error
            if step > config.learning_starts and step % config.train_frequency == 0:
                if config.replay:
                    s, a, r, s_next, term = buffer.sample(config.batch_size, generator)
                else:
                    s, a, r, s_next, term = buffer.latest(config.batch_size)
                with torch.no_grad():  # the target y = r + γ (1 − terminated) Q_target(s', a*) is a constant
                    if config.double:  # a* from the online network, its value from the target network
                        best = q_net(s_next).argmax(1, keepdim=True)
                        next_q = target_net(s_next).gather(1, best).squeeze(1)
                    else:              # a* = argmax of the target network itself
                        next_q = target_net(s_next).max(1).values
                    y = r + config.gamma * (1.0 - term) * next_q
                q = q_net(s).gather(1, a[:, None]).squeeze(1)     # Q(s, a) of the actions taken
                loss = huber(q, y, delta=config.huber_delta)
                if not torch.isfinite(loss):
                    raise TrainingDiverged(f"DQN loss became {loss.item()} at step {step}; lower "
                                           "learning_rate or max_grad_norm", history, step, step)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                clip_grad_norm_(q_net.parameters(), config.max_grad_norm)
                optimizer.step()
                losses.append(loss.detach())
                q_means.append(q.detach().mean())

            # 3. refresh the target network
            if config.target_update > 0 and step % config.target_update == 0:
                target_net.load_state_dict(q_net.state_dict())

            # 4. evaluate the greedy policy
            if step % config.eval_every == 0:
                q_net.eval()
                greedy = evaluate_greedy(q_net, config.env_id, config.eval_episodes, seed=10_000 + step)
                q_net.train()
                history.append(step, {
                    "eval_return": float(greedy.mean()),
                    "train_return": float(np.mean(episode_returns)) if episode_returns else float("nan"),
                    "loss": float(torch.stack(losses).mean()) if losses else float("nan"),
                    "q_mean": float(torch.stack(q_means).mean()) if q_means else float("nan"),
                    "epsilon": epsilon, "seconds": time.perf_counter() - started})
                losses, q_means, episode_returns = [], [], []
    except KeyboardInterrupt:
        history.interrupted = True
    finally:
        env.close()
    return q_net, history
