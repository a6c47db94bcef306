"""Gradient-norm clipping in a real run: a network built to explode, and a training run that records the clipping.

The clipping rule itself, :func:`dlbook.optimization.clip_grad_norm_`, lives beside the
optimisers; this module builds the experiment around it. :func:`exploding_mlp`
scales PyTorch's initialisation up until gradients grow geometrically with depth,
and :func:`train_clipped` trains with SGD + momentum and a :class:`RecordedClipping`
callback, which records before every step the raw gradient norm and the parameters
(so step lengths can be checked).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import torch
from torch import nn

from ..callbacks import GradientClipping
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


class RecordedClipping(GradientClipping):
    """:class:`dlbook.GradientClipping` with the chapter's :func:`~dlbook.optimization.clip_grad_norm_`, that also
    keeps the parameters ``θ_t: (P,)`` before every step in ``positions``.

    ``norms`` holds the raw ``‖g‖`` of every step. ``max_norm=None`` never clips
    (``δ = ∞``: ``min(1, δ/‖g‖) = 1``), so the gradients are only measured.
    """

    def __init__(self, max_norm: float | None):
        if max_norm is None:
            super().__init__(math.inf, clip=lambda parameters, _: gradient_norm(parameters))
        else:
            super().__init__(max_norm, clip=clip_grad_norm_)

    def on_fit_start(self, state) -> None:
        super().on_fit_start(state)
        self.positions: list[torch.Tensor] = []

    def on_before_step(self, state) -> None:
        super().on_before_step(state)                        # norms.append(‖g‖), gradients clipped
        self.positions.append(flat_parameters(state.model))


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

    A :class:`RecordedClipping` callback records the raw gradient norm and the
    parameters before every step, then clips. A run whose loss overflows does not
    raise: its :class:`TrainingDiverged` is kept in ``diverged``, with the history
    of the epochs completed before.
    """
    clipping = RecordedClipping(max_norm)
    optimizer = SGD(model.parameters(), lr=lr, momentum=momentum)
    try:
        history = fit(model, train, loss_fn=loss_fn, optimizer=optimizer, epochs=epochs, batch_size=batch_size,
                      callbacks=[clipping], record_steps=True, device=device)
        diverged = None
    except TrainingDiverged as err:
        history, diverged = err.history, err
    return ClippedRun(clipping.norms, clipping.positions, history, diverged)
