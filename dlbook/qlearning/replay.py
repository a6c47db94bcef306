"""Experience replay: a fixed-size circular buffer of transitions, sampled uniformly."""
from __future__ import annotations

import torch


class ReplayBuffer:
    """The last ``capacity`` transitions ``(s, a, r, s', terminated)``, stored as preallocated tensors on
    ``device``; when full, the oldest is overwritten.

    ``sample(B)`` → ``(obs (B, *shape), actions (B,) int64, rewards (B,), next_obs (B, *shape),
    terminated (B,) float)``, drawn uniformly with replacement from what is stored.
    """

    def __init__(self, capacity: int, observation_shape: tuple[int, ...], device: torch.device | str = "cpu"):
        if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
            raise ValueError(f"capacity must be a positive int, got {capacity!r}")
        self.capacity, self.device = capacity, torch.device(device)
        self.observation_shape = tuple(observation_shape)
        self.obs = torch.zeros((capacity, *self.observation_shape), device=self.device)
        self.next_obs = torch.zeros_like(self.obs)
        self.actions = torch.zeros(capacity, dtype=torch.int64, device=self.device)
        self.rewards = torch.zeros(capacity, device=self.device)
        self.terminated = torch.zeros(capacity, device=self.device)
        self.position, self.size = 0, 0

    def __len__(self) -> int:
        return self.size

    def add(self, obs, action: int, reward: float, next_obs, terminated: bool) -> None:
        """Store one transition; ``obs`` and ``next_obs`` of shape ``observation_shape``."""
        obs, next_obs = torch.as_tensor(obs, dtype=torch.float32), torch.as_tensor(next_obs, dtype=torch.float32)
        if obs.shape != self.observation_shape or next_obs.shape != self.observation_shape:
            raise ValueError(f"observations must have shape {self.observation_shape}, got {tuple(obs.shape)} "
                             f"and {tuple(next_obs.shape)}")
        i = self.position
        self.obs[i], self.next_obs[i] = obs, next_obs
        self.actions[i], self.rewards[i], self.terminated[i] = int(action), float(reward), float(terminated)
        self.position = (i + 1) % self.capacity       # circular: overwrite the oldest
        self.size = min(self.size + 1, self.capacity)

    def _gather(self, index: torch.Tensor):
        return (self.obs[index], self.actions[index], self.rewards[index], self.next_obs[index],
                self.terminated[index])

    def sample(self, batch_size: int, generator: torch.Generator | None = None):
        """``batch_size`` transitions drawn uniformly (with replacement) from those stored."""
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        if self.size == 0:
            raise ValueError("cannot sample from an empty replay buffer")
        index = torch.randint(self.size, (batch_size,), generator=generator)
        return self._gather(index.to(self.device))

    def latest(self, batch_size: int):
        """The ``batch_size`` most recent transitions, oldest first: training on these is learning
        without replay, from consecutive, correlated experience."""
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or not 1 <= batch_size <= self.size:
            raise ValueError(f"batch_size must be an int in [1, {self.size}] (stored transitions), "
                             f"got {batch_size!r}")
        index = (self.position - batch_size + torch.arange(batch_size)) % self.capacity
        return self._gather(index.to(self.device))
