"""REINFORCE on a gymnasium environment, for contrast with DQN: the policy gradient of chapter 12's
score-function estimator, with discounted returns-to-go as the reward of each action."""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from ..config import get_device
from ..history import History
from ..sampling import reinforce_surrogate
from ..train import TrainingDiverged
from .dqn import evaluate_greedy, make_env, q_network


@dataclass
class ReinforceConfig:
    """Settings of :func:`train_reinforce`."""

    env_id: str = "CartPole-v1"
    """A gymnasium environment with a flat ``Box`` observation and ``Discrete`` actions."""
    total_steps: int = 20_000
    """Environment steps to run (the last update may use a shorter batch)."""
    episodes_per_update: int = 4
    """Complete episodes whose actions form one gradient estimate."""
    learning_rate: float = 1e-2
    """Adam's step size."""
    gamma: float = 0.99
    """Discount of the returns-to-go."""
    hidden: tuple[int, ...] = (64, 64)
    """Widths of the policy network's hidden layers."""
    eval_every: int = 1000
    """Steps between greedy evaluations (one history row at the first update after each)."""
    eval_episodes: int = 5
    """Greedy episodes per evaluation."""
    seed: int = 0
    """Seeds the network, the environment and the sampled actions."""

    def __post_init__(self):
        for name in ("total_steps", "episodes_per_update", "eval_every", "eval_episodes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        if not 0.0 <= self.gamma <= 1.0:
            raise ValueError(f"gamma must be in [0, 1], got {self.gamma}")
        if not self.learning_rate > 0:
            raise ValueError(f"learning_rate must be positive, got {self.learning_rate}")


def returns_to_go(rewards, gamma: float) -> torch.Tensor:
    """``G_t = Σ_k γ^k r_{t+k}`` for one episode: ``rewards (T,)`` → ``(T,)`` float32."""
    rewards = torch.as_tensor(rewards, dtype=torch.float64)
    if rewards.ndim != 1:
        raise ValueError(f"rewards must be one episode's (T,) vector, got shape {tuple(rewards.shape)}")
    if not 0.0 <= gamma <= 1.0:
        raise ValueError(f"gamma must be in [0, 1], got {gamma}")
    out, running = torch.zeros_like(rewards), 0.0
    for t in range(len(rewards) - 1, -1, -1):
        running = rewards[t] + gamma * running   # G_t = r_t + γ G_{t+1}
        out[t] = running
    return out.float()


def train_reinforce(config: ReinforceConfig,
                    device: torch.device | str | None = None) -> tuple[torch.nn.Module, History]:
    """Train a softmax policy ``π(a|s) = softmax(net(s))_a`` by REINFORCE with a mean baseline.

    Returns ``(policy_network, history)``; the history has rows ``eval_return`` (greedy policy),
    ``train_return`` (sampled episodes since the last row) and ``entropy`` at steps about ``eval_every``
    apart. A non-finite surrogate raises :class:`dlbook.TrainingDiverged`; Ctrl-C keeps the history.
    """
    if not isinstance(config, ReinforceConfig):
        raise TypeError(f"config must be a ReinforceConfig, got {type(config).__name__}")
    device = get_device(device) if not isinstance(device, torch.device) else device
    torch.manual_seed(config.seed)
    env = make_env(config.env_id, seed=config.seed)
    policy = q_network(env.observation_space.shape[0], int(env.action_space.n), config.hidden).to(device)
    optimizer = torch.optim.Adam(policy.parameters(), lr=config.learning_rate,
                                 fused=device.type in ("cpu", "cuda"))
    history = History()
    rng = np.random.default_rng(config.seed)
    step, next_eval, finished, entropies, started = 0, config.eval_every, [], [], time.perf_counter()
    obs, _ = env.reset(seed=config.seed)
    try:
        while step < config.total_steps:
            # 1. sample a few complete episodes with the current policy (no graph while acting)
            states, actions, returns = [], [], []
            for _ in range(config.episodes_per_update):
                rewards, done = [], False
                while not done and step < config.total_steps:
                    with torch.no_grad():
                        logits = policy(torch.as_tensor(obs, device=device)[None])[0]
                    cdf = torch.softmax(logits.double(), 0).cumsum(0).cpu().numpy()
                    action = min(int(np.searchsorted(cdf, rng.random() * cdf[-1])), len(cdf) - 1)  # a ~ π(·|s)
                    states.append(obs)
                    actions.append(action)
                    obs, reward, terminated, truncated, _ = env.step(action)
                    rewards.append(reward)
                    step, done = step + 1, terminated or truncated
                returns.append(returns_to_go(rewards, config.gamma))
                if done:
                    finished.append(sum(rewards))
                    obs, _ = env.reset()
                if step >= config.total_steps:
                    break
            # 2. log π(a_t|s_t) of every action in one batch, then ascend the score-function
            #    surrogate: mean of (G_t − b) log π(a_t|s_t), with b the mean return-to-go
            log_pi = torch.log_softmax(policy(torch.as_tensor(np.stack(states), device=device)), dim=1)
            log_prob = log_pi.gather(1, torch.tensor(actions, device=device)[:, None]).squeeze(1)
            entropies.append(-(log_pi.exp() * log_pi).sum(1).mean().detach())
            reward = torch.cat(returns).to(device)
            surrogate = reinforce_surrogate(log_prob, reward, baseline=reward.mean())
            if not torch.isfinite(surrogate):
                raise TrainingDiverged(f"REINFORCE surrogate became {surrogate.item()} at step {step}",
                                       history, step, step)
            optimizer.zero_grad(set_to_none=True)
            (-surrogate).backward()
            optimizer.step()
            # 3. evaluate the greedy policy now and then
            if step >= next_eval or step >= config.total_steps:
                greedy = evaluate_greedy(policy, config.env_id, config.eval_episodes, seed=10_000 + step)
                history.append(step, {
                    "eval_return": float(greedy.mean()),
                    "train_return": float(np.mean(finished)) if finished else float("nan"),
                    "entropy": float(torch.stack(entropies).mean()),
                    "seconds": time.perf_counter() - started})
                finished, entropies = [], []
                next_eval += config.eval_every
    except KeyboardInterrupt:
        history.interrupted = True
    finally:
        env.close()
    return policy, history
