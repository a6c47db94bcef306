"""Training for a fixed number of examples while timing it: how batch size trades steps for throughput.

A callback of :func:`dlbook.fit`. No run is stopped by the clock: every batch size
sees the same data, and the timings only measure what that costs.
"""
from __future__ import annotations

import time
from typing import Callable

import torch

from ..train import Callback, evaluate


class TrainingClock(Callback):
    """After each epoch, record the full loss on ``train`` and the seconds spent training so far.

    ``train`` is ``(X, y)`` (or anything :func:`dlbook.evaluate` takes), scored with
    ``loss_fn``. The time spent measuring the loss is excluded from ``seconds``,
    so the clock measures training alone. After the run, ``seconds[k]`` and
    ``losses[k]`` belong to epoch ``k + 1`` and ``steps`` counts optimiser steps,
    so ``seconds_per_step`` is the measured cost of one step.
    """

    def __init__(self, train, loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]):
        if not callable(loss_fn):
            raise ValueError(f"loss_fn must be callable, got {loss_fn!r}")
        self.train, self.loss_fn = train, loss_fn

    def on_fit_start(self, state) -> None:
        self.seconds, self.losses, self.steps, self.measuring = [], [], 0, 0.0
        self.start = time.perf_counter()

    def on_step_end(self, state) -> None:
        self.steps += 1

    def on_epoch_end(self, state) -> None:
        now = time.perf_counter()
        self.seconds.append(now - self.start - self.measuring)
        self.losses.append(evaluate(state.model, self.train, loss_fn=self.loss_fn, device=state.device)["loss"])
        self.measuring += time.perf_counter() - now

    @property
    def seconds_per_step(self) -> float:
        """Training seconds per optimiser step, over the whole run."""
        if not self.steps:
            raise ValueError("the clock has not seen a step yet: pass it to dlbook.fit first")
        return self.seconds[-1] / self.steps
