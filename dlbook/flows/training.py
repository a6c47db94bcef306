"""Maximum-likelihood training of a flow: minimise the mean negative log-likelihood per dimension.

There is no target, so :func:`dlbook.fit`'s ``(inputs, target)`` batches do not fit; this loop reads
top to bottom and reuses the infrastructure's device handling, divergence error and :class:`dlbook.History`.
"""
from __future__ import annotations

import math
import sys
from typing import Callable

import torch

from ..config import get_device
from ..history import History
from ..train import TrainingDiverged
from .dequantization import dequantize as dequantize_batch
from .flow import Flow


def _check_data(X, dim: int, name: str) -> torch.Tensor:
    if not isinstance(X, torch.Tensor) or X.ndim != 2 or X.shape[1] != dim:
        raise ValueError(f"{name} must be a tensor of shape (N, {dim}), got {getattr(X, 'shape', type(X).__name__)}")
    if len(X) == 0:
        raise ValueError(f"{name} is empty")
    return X


@torch.no_grad()
def mean_nll(flow: Flow, X: torch.Tensor, *, batch_size: int = 4096) -> float:
    """Mean negative log-likelihood per dimension (nats) of ``X: (N, dim)`` under ``flow``, in eval mode."""
    _check_data(X, flow.dim, "X")
    device = flow._origin.device
    was_training = flow.training
    flow.eval()
    total = sum(float(-flow.log_prob(X[i:i + batch_size].to(device)).sum()) for i in range(0, len(X), batch_size))
    flow.train(was_training)
    return total / (len(X) * flow.dim)


def train_flow(flow: Flow, X: torch.Tensor, *, epochs: int, batch_size: int = 256, lr: float = 1e-3,
               val: torch.Tensor | None = None, dequantize: int | None = None, max_grad_norm: float | None = 100.0,
               seed: int = 0, device: torch.device | str | None = None,
               on_epoch_end: Callable[[int, Flow], None] | None = None) -> History:
    """Fit ``flow`` to ``X: (N, dim)`` by maximum likelihood with Adam; return a :class:`dlbook.History`.

    ``history["loss"]``: mean NLL per dimension (nats) over each epoch's batches; ``"val_loss"`` on ``val``.
    ``dequantize``: for integer data in ``[0, levels)``, the number of ``levels``: every batch is then
    dequantised afresh (``(k + u)/levels``), and ``val`` with a fixed seed. ``on_epoch_end(epoch, flow)``
    is called after each epoch (snapshots for a figure). A non-finite loss raises
    :class:`dlbook.TrainingDiverged` naming epoch and step; Ctrl-C returns the history so far.
    """
    if not isinstance(flow, Flow):
        raise TypeError(f"flow must be a dlbook.flows.Flow, got {type(flow).__name__}")
    _check_data(X, flow.dim, "X")
    if val is not None:
        _check_data(val, flow.dim, "val")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative int, got {epochs!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr}")
    device = get_device(device) if not isinstance(device, torch.device) else device
    generator = torch.Generator().manual_seed(seed)
    if dequantize is not None and val is not None:
        val = dequantize_batch(val, dequantize, generator=torch.Generator().manual_seed(seed + 1))
    flow.to(device)
    X = X.to(device)
    val = None if val is None else val.to(device)
    optimizer = torch.optim.Adam(flow.parameters(), lr=lr, foreach=True)
    history = History()
    epoch = step = 0
    try:
        for epoch in range(1, epochs + 1):
            flow.train()
            losses = []
            order = torch.randperm(len(X), generator=generator).to(device)
            for step, start in enumerate(range(0, len(X), batch_size), start=1):
                batch = X[order[start:start + batch_size]]
                if dequantize is not None:
                    batch = dequantize_batch(batch, dequantize, generator=generator)
                # NLL per dimension: −log p(x)/D, so numbers compare across data of different sizes
                loss = -flow.log_prob(batch).mean() / flow.dim
                if not math.isfinite(loss.item()):
                    raise TrainingDiverged(f"flow NLL became {loss.item()} at epoch {epoch}, step {step}",
                                           history, epoch, step)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                if max_grad_norm is not None:
                    torch.nn.utils.clip_grad_norm_(flow.parameters(), max_grad_norm)
                optimizer.step()
                losses.append(loss.item())
            row = {"loss": sum(losses) / len(losses)}
            if val is not None:
                row["val_loss"] = mean_nll(flow, val)
            history.append(epoch, row)
            if on_epoch_end is not None:
                on_epoch_end(epoch, flow)
    except KeyboardInterrupt:
        history.interrupted = True
        print(f"training interrupted in epoch {epoch} (step {step}); returning the history of "
              f"{len(history)} completed epochs", file=sys.stderr)
    return history
