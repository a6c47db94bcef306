"""Learning-rate schedules from scratch, as ``torch.optim.lr_scheduler.LRScheduler`` subclasses.

Each schedule is a closed form ``η_t = f(t)`` of the step count ``t``
(``scheduler.last_epoch``) written out in :meth:`lr_at`; the base class only
stores ``t`` and writes ``η_t`` into the optimiser's parameter groups.
Inside :func:`dlbook.fit`, the callback ``dlbook.LRSchedule(scheduler)`` advances
a schedule after every optimiser step.
"""
from __future__ import annotations

import math
from typing import Callable

import torch
from torch.optim.lr_scheduler import LRScheduler


def _positive_int(name: str, value) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")


class ClosedFormSchedule(LRScheduler):
    """A schedule given by ``lr_at(t, base_lr)``; subclasses define that one method."""

    def lr_at(self, t: int, base_lr: float) -> float:
        raise NotImplementedError

    def get_lr(self) -> list[float]:
        return [self.lr_at(self.last_epoch, base) for base in self.base_lrs]


class StepLR(ClosedFormSchedule):
    """Step decay: ``η_t = η₀ · γ^⌊t / step_size⌋``."""

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1):
        _positive_int("step_size", step_size)
        if not 0 < gamma <= 1:
            raise ValueError(f"gamma must lie in (0, 1] (a decay), got {gamma!r}")
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, t: int, base_lr: float) -> float:
        return base_lr * self.gamma ** (t // self.step_size)


class LinearWarmup(ClosedFormSchedule):
    """Linear warm-up: ``η_t = η₀ · (s + (1 − s) · min(t, w)/w)`` from ``s·η₀`` up to ``η₀`` over ``w`` steps, then flat."""

    def __init__(self, optimizer, warmup_steps: int, start_factor: float = 0.1, last_epoch: int = -1):
        _positive_int("warmup_steps", warmup_steps)
        if not 0 < start_factor <= 1:
            raise ValueError(f"start_factor must lie in (0, 1], got {start_factor!r}")
        self.warmup_steps, self.start_factor = warmup_steps, start_factor
        super().__init__(optimizer, last_epoch)

    def lr_at(self, t: int, base_lr: float) -> float:
        s = self.start_factor
        return base_lr * (s + (1 - s) * min(t, self.warmup_steps) / self.warmup_steps)


class CosineLR(ClosedFormSchedule):
    """Cosine annealing from ``η₀`` to ``eta_min`` over ``T_max`` steps, after an optional linear warm-up.

    With ``w = warmup_steps``: for ``t ≤ w`` the warm-up of :class:`LinearWarmup`;
    then ``η_t = η_min + ½(η₀ − η_min)(1 + cos(π (t − w)/(T_max − w)))``.
    """

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0, warmup_steps: int = 0,
                 start_factor: float = 0.1, last_epoch: int = -1):
        _positive_int("T_max", T_max)
        if not eta_min >= 0:
            raise ValueError(f"eta_min must be >= 0, got {eta_min!r}")
        if not isinstance(warmup_steps, int) or not 0 <= warmup_steps < T_max:
            raise ValueError(f"warmup_steps must be an int in [0, T_max={T_max}), got {warmup_steps!r}")
        if not 0 < start_factor <= 1:
            raise ValueError(f"start_factor must lie in (0, 1], got {start_factor!r}")
        self.T_max, self.eta_min, self.warmup_steps, self.start_factor = T_max, eta_min, warmup_steps, start_factor
        super().__init__(optimizer, last_epoch)

    def lr_at(self, t: int, base_lr: float) -> float:
        w = self.warmup_steps
        if t < w:
            return base_lr * (self.start_factor + (1 - self.start_factor) * t / w)
        progress = (t - w) / (self.T_max - w)          # 0 → 1 over the cosine part
        return self.eta_min + 0.5 * (base_lr - self.eta_min) * (1 + math.cos(math.pi * progress))


class OneCycleLR(ClosedFormSchedule):
    """Smith's one cycle: up from ``max_lr/div_factor`` to ``max_lr`` over the first ``pct_start`` of
    ``total_steps``, then down to ``max_lr/(div_factor·final_div_factor)``, both halves cosine-shaped.

    The optimiser's own ``lr`` is ignored; ``max_lr`` sets the scale (as in ``torch.optim.lr_scheduler.OneCycleLR``).
    """

    def __init__(self, optimizer, max_lr: float, total_steps: int, pct_start: float = 0.3,
                 div_factor: float = 25.0, final_div_factor: float = 1e4, last_epoch: int = -1):
        _positive_int("total_steps", total_steps)
        if not max_lr > 0:
            raise ValueError(f"max_lr must be positive, got {max_lr!r}")
        if not 0 < pct_start < 1:
            raise ValueError(f"pct_start must lie in (0, 1), got {pct_start!r}")
        if not (div_factor > 0 and final_div_factor > 0):
            raise ValueError(f"div_factor and final_div_factor must be positive, got {div_factor!r}, {final_div_factor!r}")
        self.max_lr, self.total_steps = max_lr, total_steps
        self.initial_lr = max_lr / div_factor
        self.min_lr = self.initial_lr / final_div_factor
        self.peak = pct_start * total_steps - 1          # the step at which η reaches max_lr
        if not 0 < self.peak < total_steps - 1:
            raise ValueError(f"pct_start·total_steps − 1 = {self.peak:g} must lie strictly between 0 and "
                             f"total_steps − 1 = {total_steps - 1} so that both halves of the cycle have steps")
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _cosine(start: float, end: float, fraction: float) -> float:
        return end + 0.5 * (start - end) * (1 + math.cos(math.pi * fraction))

    def lr_at(self, t: int, base_lr: float) -> float:
        if t > self.total_steps:
            raise ValueError(f"stepped {t} times, past total_steps={self.total_steps}")
        if t <= self.peak:
            return self._cosine(self.initial_lr, self.max_lr, t / self.peak)
        return self._cosine(self.max_lr, self.min_lr, (t - self.peak) / (self.total_steps - 1 - self.peak))


def lr_curve(make_scheduler: Callable[[torch.optim.Optimizer], LRScheduler], steps: int, lr: float = 1.0) -> list[float]:
    """The learning rate a schedule sets at steps ``0 … steps − 1``, on a dummy optimiser with base ``lr``."""
    _positive_int("steps", steps)
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr)
    scheduler = make_scheduler(optimizer)
    lrs = []
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return lrs
