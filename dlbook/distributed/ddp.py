"""The same synchronous SGD with PyTorch's ``DistributedDataParallel`` and ``DistributedSampler``."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from .launcher import worker_device
from .sync_sgd import SGDConfig, flat_parameters, make_batches, make_model


def sampler_indices(n: int, world_size: int, rank: int, *, shuffle: bool = True, seed: int = 0,
                    epoch: int = 0) -> list[int]:
    """The indices ``DistributedSampler`` gives ``rank`` (for ``n`` divisible by ``world_size``): a shared
    permutation (seeded by ``seed + epoch``) dealt out like cards, ``perm[rank::world_size]``."""
    if not 0 <= rank < world_size:
        raise ValueError(f"rank must lie in [0, world_size={world_size}), got {rank}")
    if n < 1 or n % world_size:
        raise ValueError(f"n={n} must be a positive multiple of world_size={world_size}")
    order = (torch.randperm(n, generator=torch.Generator().manual_seed(seed + epoch)) if shuffle
             else torch.arange(n))
    return order[rank::world_size].tolist()


def ddp_worker(rank: int, world_size: int, config: SGDConfig, bucket_cap_mb: float = 25.0) -> dict:
    """Worker: the run of :func:`~dlbook.distributed.sync_sgd_worker`, with DDP averaging the gradients.

    A ``DistributedSampler`` (no shuffling) deals out the examples; the union of the ranks' batches at
    each step is the same global batch as in the hand-written version. ``bucket_cap_mb`` sets
    the size of the buckets in which DDP groups gradients for all-reduce. Returns ``{"parameters": (P,)}``.
    """
    device = worker_device()
    model = make_model(config).to(device)
    ddp = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None,
                                  bucket_cap_mb=bucket_cap_mb)
    optimizer = torch.optim.SGD(ddp.parameters(), lr=config.lr, momentum=config.momentum)
    X, y = make_batches(config, world_size)
    data = TensorDataset(X.flatten(0, 1), y.flatten(0, 1))
    sampler = DistributedSampler(data, num_replicas=world_size, rank=rank, shuffle=False)
    for xb, yb in DataLoader(data, batch_size=config.batch_per_worker, sampler=sampler):
        optimizer.zero_grad()
        nn.functional.mse_loss(ddp(xb.to(device)), yb.to(device)).backward()  # all-reduce runs inside
        optimizer.step()
    return {"parameters": flat_parameters(model)}
