"""Gradient-norm clipping in a real run: a network built to explode, and a training run that records the clipping.

The clipping rule itself, :func:`dlbook.optimization.clip_grad_norm_`, lives beside the
optimisers; this module builds the experiment around it. :func:`exploding_mlp`
scales PyTorch's initialisation up until gradients grow geometrically with depth,
and :func:`train_clipped` trains with SGD + momentum, recording before every step
the raw gradient norm and the parameters (so step lengths can be checked).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import torch
from torch import nn

from ..history import History
from ..perceptron_mlp import MLP
from ..probe import flat_parameters
from ..train import TrainingDiverged, fit
from .optimizers import SGD, clip_grad_norm_, gradient_norm


def exploding_mlp(in_features: int = 1, hidden: Sequence[int] = (32,) * 8, out_features: int = 1, *,
                  gain: float = 3.0, seed: int = 0) -> MLP:
    """A ReLU :class:`~dlbook.perceptron_mlp.MLP` with every weight matrix ``gain`` times PyTorch's default draw.

    ``x: (N, in_features) → (N, out_features)``. With ``gain`` well above 1 the
    signal and the gradients grow by a roughly constant factor per layer.
    """
    if isinstance(gain, bool) or not isinstance(gain, (int, float)) or not gain > 0:
        raise ValueError(f"gain must be a positive number, got {gain!r}")
    torch.manual_seed(seed)
    model = MLP(in_features, list(hidden), out_features, activation="relu")
    with torch.no_grad():
        for layer in model.linears():
            layer.weight.mul_(gain)
    return model


@dataclass
class ClippedRun:
    """What :func:`train_clipped` records: one entry of ``norms``/``positions`` per optimiser step."""

    norms: list[float] = field(default_factory=list)            # ‖g‖ before clipping
    positions: list[torch.Tensor] = field(default_factory=list)  # parameters (P,) before the step
    history: History = field(default_factory=History)          # completed epochs, with step_loss
    diverged: TrainingDiverged | None = None                    # the error, if the loss overflowed

    def step_lengths(self) -> torch.Tensor:
        """``‖θ_{t+1} − θ_t‖`` between consecutive recorded positions: ``(steps − 1,)``."""
        return torch.stack(self.positions).diff(dim=0).norm(dim=1)


def train_clipped(model: nn.Module, train, *, max_norm: float | None, lr: float, momentum: float, epochs: int,
                  batch_size: int, loss_fn: Callable = nn.functional.mse_loss, device=None) -> ClippedRun:
    """Train ``model`` with ``SGD(lr, momentum)``, clipping the gradient norm at ``max_norm`` (``None``: never).

    A step pre-hook on the optimiser records the raw gradient norm and the
    parameters, then clips with :func:`~dlbook.optimization.clip_grad_norm_`. A run
    whose loss overflows does not raise: its :class:`TrainingDiverged` is kept
    in ``diverged``, with the history of the epochs completed before.
    """
    if max_norm is not None and (isinstance(max_norm, bool) or not max_norm > 0):
        raise ValueError(f"max_norm must be a positive number or None, got {max_norm!r}")
    record = ClippedRun()
    optimizer = SGD(model.parameters(), lr=lr, momentum=momentum)

    def before_step(optimizer, args, kwargs):
        norm = gradient_norm(model.parameters()) if max_norm is None else clip_grad_norm_(model.parameters(), max_norm)
        record.norms.append(float(norm))
        record.positions.append(flat_parameters(model))

    handle = optimizer.register_step_pre_hook(before_step)
    try:
        record.history = fit(model, train, loss_fn=loss_fn, optimizer=optimizer, epochs=epochs,
                             batch_size=batch_size, record_steps=True, device=device)
    except TrainingDiverged as err:
        record.history, record.diverged = err.history, err
    finally:
        handle.remove()
    return record
