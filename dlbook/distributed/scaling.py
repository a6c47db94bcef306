"""The linear scaling rule with warm-up, for R simulated workers on the least-squares problem.

R workers with M examples each average their gradients into the gradient of one
batch of R·M (the synchronous SGD of this chapter), so one process can stand in for
them. The rule (chapter 4) multiplies the learning rate by R; the warm-up ramps it
up from the single-worker rate. The optimiser and the schedule are chapter 4's.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from ..optimization import SGD, LinearWarmup
from .staleness import LeastSquares


def scaled_sgd(problem: LeastSquares, n_workers: int, batch_per_worker: int, base_lr: float, epochs: int,
               warmup_epochs: float = 0.0, scale_lr: bool = True, seed: int = 0) -> np.ndarray:
    """SGD from ``w = 0`` on batches of ``n_workers · batch_per_worker`` drawn without replacement each epoch,
    at ``n_workers · base_lr`` (``scale_lr``) reached by a linear warm-up from ``base_lr`` over
    ``warmup_epochs``.

    Returns the loss minus the optimal loss after each epoch: ``(epochs,)``; ``inf`` from the epoch it diverged.
    """
    for name, value in (("n_workers", n_workers), ("batch_per_worker", batch_per_worker), ("epochs", epochs)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if not base_lr > 0:
        raise ValueError(f"base_lr must be positive, got {base_lr!r}")
    if not warmup_epochs >= 0:
        raise ValueError(f"warmup_epochs must be >= 0, got {warmup_epochs!r}")
    X, y = torch.from_numpy(problem.X), torch.from_numpy(problem.y)
    n, batch = len(y), n_workers * batch_per_worker
    if batch > n:
        raise ValueError(f"a global batch of {batch} is larger than the {n} examples")
    w = torch.zeros(X.shape[1], dtype=X.dtype, requires_grad=True)
    lr = base_lr * n_workers if scale_lr else base_lr
    optimizer = SGD([w], lr=lr)
    steps_per_epoch = n // batch
    warmup_steps = round(warmup_epochs * steps_per_epoch)
    schedule = LinearWarmup(optimizer, warmup_steps, start_factor=base_lr / lr) if warmup_steps else None
    best = problem.loss(problem.w_star)
    gaps = np.full(epochs, np.inf)
    g = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        order = torch.randperm(n, generator=g)
        for step in range(steps_per_epoch):
            rows = order[step * batch:(step + 1) * batch]
            optimizer.zero_grad()
            ((X[rows] @ w - y[rows]).square().mean() / 2).backward()
            optimizer.step()
            if schedule is not None:
                schedule.step()
        gap = problem.loss(w.detach().numpy()) - best
        if not math.isfinite(gap) or gap > 1e12:
            break
        gaps[epoch] = gap
    return gaps
