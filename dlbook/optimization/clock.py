"""Training against the clock: how batch size trades steps for seconds (a callback of :func:`dlbook.fit`)."""
from __future__ import annotations

import time
from typing import Callable

import torch

from ..train import Callback, evaluate


class TrainingClock(Callback):
    """After each epoch, record the loss on ``train`` against the seconds spent training; stop after ``budget`` s.

    ``train`` is ``(X, y)`` (or anything :func:`dlbook.evaluate` takes), scored with
    ``loss_fn``. The time spent measuring the loss is excluded from ``seconds``,
    so runs with different batch sizes are compared on training time alone.
    After the run, ``seconds[k]`` and ``losses[k]`` belong to epoch ``k + 1``.
    """

    def __init__(self, train, budget: float, loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]):
        if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not budget > 0:
            raise ValueError(f"budget must be a positive number of seconds, got {budget!r}")
        self.train, self.budget, self.loss_fn = train, budget, loss_fn

    def on_fit_start(self, state) -> None:
        self.seconds, self.losses, self.measuring = [], [], 0.0
        self.start = time.perf_counter()

    def on_epoch_end(self, state) -> None:
        now = time.perf_counter()
        self.seconds.append(now - self.start - self.measuring)
        self.losses.append(evaluate(state.model, self.train, loss_fn=self.loss_fn, device=state.device)["loss"])
        self.measuring += time.perf_counter() - now
        state.stop = self.seconds[-1] > self.budget
