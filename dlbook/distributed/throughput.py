"""Throughput of synchronous data-parallel SGD on 1, 2, … of the launched processes."""
from __future__ import annotations

import time

import torch
import torch.distributed as dist
from torch import nn

from .launcher import worker_device
from .sync_sgd import SGDConfig, average_gradients, make_model


def throughput_worker(rank: int, world_size: int, config: SGDConfig, sizes: tuple[int, ...] = (1, 2),
                      warmup_steps: int = 2) -> dict:
    """Worker: for each ``k`` in ``sizes``, ranks ``0 … k−1`` run ``config.steps`` steps of synchronous SGD
    (``config.batch_per_worker`` examples each) while the others wait.

    Returns ``{k: examples per second}`` (every rank returns the same numbers).
    """
    if any(not 1 <= k <= world_size for k in sizes):
        raise ValueError(f"sizes must lie in [1, world_size={world_size}], got {sizes!r}")
    device = worker_device()
    measured = {}
    for k in sizes:
        group = dist.new_group(list(range(k)))  # every rank takes part in creating every group
        seconds = torch.zeros(1, dtype=torch.float64, device=device)
        if rank < k:
            model = make_model(config).to(device)
            optimizer = torch.optim.SGD(model.parameters(), lr=config.lr)
            g = torch.Generator().manual_seed(config.seed + rank)
            xb = torch.randn(config.batch_per_worker, config.features, generator=g, dtype=config.dtype)
            xb, yb = xb.to(device), xb.sum(1, keepdim=True).to(device)
            for step in range(warmup_steps + config.steps):
                if step == warmup_steps:
                    if device.type == "cuda":
                        torch.cuda.synchronize(device)
                    started = time.perf_counter()
                optimizer.zero_grad()
                nn.functional.mse_loss(model(xb), yb).backward()
                average_gradients(model, group)
                optimizer.step()
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            seconds[0] = time.perf_counter() - started
        dist.all_reduce(seconds, op=dist.ReduceOp.MAX)  # the slowest rank decides (CPU-friendly under gloo)
        measured[k] = k * config.batch_per_worker * config.steps / float(seconds)
    return measured
