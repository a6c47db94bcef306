"""Synchronous data-parallel SGD by hand: shard the batch, all-reduce the gradients, step everywhere alike.

A :class:`SGDConfig` describes the whole run (model, data, steps), so that every
rank, and the single-process reference, rebuild exactly the same model and data
from the seed instead of receiving tensors.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn

from .launcher import worker_device


@dataclass(frozen=True)
class SGDConfig:
    """A small regression run: ``steps`` steps of SGD on batches of ``batch_per_worker`` per rank."""

    seed: int = 0
    features: int = 8
    hidden: int = 16
    batch_per_worker: int = 8
    steps: int = 5
    lr: float = 0.1
    momentum: float = 0.9
    dtype: torch.dtype = torch.float64

    def __post_init__(self):
        for name in ("features", "hidden", "batch_per_worker", "steps"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr!r}")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"momentum must lie in [0, 1), got {self.momentum!r}")


def make_model(config: SGDConfig) -> nn.Module:
    """The MLP ``(B, features) → (B, 1)``, initialised from ``config.seed`` (identical on every rank)."""
    torch.manual_seed(config.seed)
    return nn.Sequential(nn.Linear(config.features, config.hidden), nn.Tanh(),
                         nn.Linear(config.hidden, 1)).to(config.dtype)


def make_batches(config: SGDConfig, world_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """The global batches of every step: ``X: (steps, world_size·M, features)``, ``y: (steps, world_size·M, 1)``."""
    g = torch.Generator().manual_seed(config.seed + 1)
    n = world_size * config.batch_per_worker
    X = torch.randn(config.steps, n, config.features, generator=g, dtype=config.dtype)
    y = torch.sin(X.sum(-1, keepdim=True)) + 0.1 * torch.randn(config.steps, n, 1, generator=g, dtype=config.dtype)
    return X, y


def shard(batch: torch.Tensor, rank: int, world_size: int) -> torch.Tensor:
    """Rank ``rank``'s contiguous share of ``batch: (world_size·M, ...) → (M, ...)``."""
    if not 0 <= rank < world_size:
        raise ValueError(f"rank must lie in [0, world_size={world_size}), got {rank}")
    if batch.dim() == 0 or batch.shape[0] % world_size:
        raise ValueError(f"batch of {tuple(batch.shape)} does not split into {world_size} equal shards")
    m = batch.shape[0] // world_size
    return batch[rank * m:(rank + 1) * m]


def average_gradients(model: nn.Module, group=None) -> None:
    """Replace every ``p.grad`` by its mean over the ranks: all-reduce (SUM), then divide by N."""
    n = dist.get_world_size(group)
    for p in model.parameters():
        if p.grad is not None:
            dist.all_reduce(p.grad, op=dist.ReduceOp.SUM, group=group)
            p.grad /= n


def flat_parameters(model: nn.Module) -> torch.Tensor:
    """All parameters in one CPU vector ``(P,)``."""
    return torch.cat([p.detach().reshape(-1).cpu() for p in model.parameters()])


def sync_sgd_worker(rank: int, world_size: int, config: SGDConfig) -> dict:
    """Worker: ``config.steps`` steps of synchronous SGD on this rank's shard of each global batch.

    Returns ``{"parameters": (P,) tensor, "step_seconds": [compute time of each step]}``.
    """
    device = worker_device()
    model = make_model(config).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=config.momentum)
    X, y = make_batches(config, world_size)
    seconds = []
    for step in range(config.steps):
        started = time.perf_counter()
        xb, yb = shard(X[step], rank, world_size).to(device), shard(y[step], rank, world_size).to(device)
        optimizer.zero_grad()
        nn.functional.mse_loss(model(xb), yb).backward()  # the mean over this rank's M examples
        seconds.append(time.perf_counter() - started)
        average_gradients(model)
        optimizer.step()
    return {"parameters": flat_parameters(model), "step_seconds": seconds}


def single_process_sgd(world_size: int, config: SGDConfig) -> torch.Tensor:
    """The reference: one process, the concatenated batch of ``world_size·M`` at every step; returns ``(P,)``."""
    model = make_model(config)
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=config.momentum)
    X, y = make_batches(config, world_size)
    for step in range(config.steps):
        optimizer.zero_grad()
        nn.functional.mse_loss(model(X[step]), y[step]).backward()
        optimizer.step()
    return flat_parameters(model)
