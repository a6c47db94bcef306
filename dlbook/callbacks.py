"""Callbacks for :func:`dlbook.fit`: early stopping, checkpoints, a live plot, gradient clipping and
learning-rate schedules.

The events they answer, and the :class:`~dlbook.train.Callback` base class, are
defined beside the loop that fires them, in :mod:`dlbook.train`.
"""
from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path
from typing import Callable

import torch

from .config import headless
from .history import History
from .plot import training_curves
from .train import Callback


def _improved(value: float, best: float | None, mode: str, min_delta: float) -> bool:
    if best is None:
        return True
    return value < best - min_delta if mode == "min" else value > best + min_delta


def _check_mode(mode: str) -> None:
    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'min' or 'max', got {mode!r}")


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs.

    With ``restore_best=True`` the model gets back the weights of its best epoch
    when training ends (for any reason).
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 5, min_delta: float = 0.0,
                 mode: str = "min", restore_best: bool = True):
        _check_mode(mode)
        if not isinstance(patience, int) or patience < 1:
            raise ValueError(f"patience must be a positive int, got {patience!r}")
        if min_delta < 0:
            raise ValueError(f"min_delta must be non-negative, got {min_delta}")
        self.monitor, self.patience, self.min_delta = monitor, patience, min_delta
        self.mode, self.restore_best = mode, restore_best

    def on_fit_start(self, state) -> None:
        self.best, self.best_epoch, self.best_state = None, None, None
        self.stopped_epoch, self.wait = None, 0

    def on_epoch_end(self, state) -> None:
        value = state.history[self.monitor][-1]
        if _improved(value, self.best, self.mode, self.min_delta):
            self.best, self.best_epoch, self.wait = value, state.epoch, 0
            if self.restore_best:
                self.best_state = copy.deepcopy(state.model.state_dict())
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = state.epoch
            state.stop = True

    def on_fit_end(self, state) -> None:
        if self.restore_best and self.best_state is not None:
            state.model.load_state_dict(self.best_state)


def save_atomic(obj, path: str | Path) -> None:
    """``torch.save`` to a temporary file beside ``path``, then rename: a crash never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(fd)
    try:
        torch.save(obj, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


class Checkpoint(Callback):
    """Save model, optimizer, epoch and history to ``path`` every ``every`` epochs.

    With ``monitor`` set, save only when that value improves (the best model so far).
    """

    def __init__(self, path: str | Path, every: int = 1, monitor: str | None = None, mode: str = "min"):
        _check_mode(mode)
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be a positive int, got {every!r}")
        self.path, self.every, self.monitor, self.mode = Path(path), every, monitor, mode

    def on_fit_start(self, state) -> None:
        self.best = None

    def on_epoch_end(self, state) -> None:
        if self.monitor is not None:
            value = state.history[self.monitor][-1]
            if not _improved(value, self.best, self.mode, 0.0):
                return
            self.best = value
        elif state.epoch % self.every:
            return
        save_atomic({"epoch": state.epoch, "model": state.model.state_dict(),
                     "optimizer": state.optimizer.state_dict(), "history": state.history.to_dict()}, self.path)


def load_checkpoint(path: str | Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer | None = None,
                    map_location=None) -> dict:
    """Restore what :class:`Checkpoint` saved (loaded with ``weights_only=True``).

    Returns ``{"epoch": int, "history": History}``.
    """
    saved = torch.load(path, map_location=map_location, weights_only=True)
    model.load_state_dict(saved["model"])
    if optimizer is not None:
        optimizer.load_state_dict(saved["optimizer"])
    return {"epoch": saved["epoch"], "history": History.from_dict(saved["history"])}


class LivePlot(Callback):
    """Redraw the training curves in the notebook every ``every`` epochs.

    Headless (``DLBOOK_HEADLESS=1``: book builds, tests) it draws once, at the end.
    """

    def __init__(self, names: list[str] | None = None, every: int = 1, logy: bool = False):
        if not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be a positive int, got {every!r}")
        self.names, self.every, self.logy = names, every, logy

    def _draw(self, state) -> None:
        import matplotlib.pyplot as plt
        from IPython.display import clear_output, display

        if len(state.history) == 0:
            return
        fig = training_curves(state.history, names=self.names, logy=self.logy)
        clear_output(wait=True)
        display(fig)
        plt.close(fig)

    def on_epoch_end(self, state) -> None:
        if not headless() and state.epoch % self.every == 0:
            self._draw(state)

    def on_fit_end(self, state) -> None:
        self._draw(state)


class GradientClipping(Callback):
    """Rescale the gradients before every optimiser step so that their global norm is at most ``max_norm``.

    ``clip(parameters, max_norm)`` does the clipping and returns the norm it measured before
    clipping (``torch.nn.utils.clip_grad_norm_`` by default; chapter 4 passes its own).
    ``norms`` keeps every measured norm, one per step of the last run.
    """

    def __init__(self, max_norm: float, clip: Callable = torch.nn.utils.clip_grad_norm_):
        if isinstance(max_norm, bool) or not isinstance(max_norm, (int, float)) or not max_norm > 0:
            raise ValueError(f"max_norm must be a positive number, got {max_norm!r}")
        self.max_norm, self.clip = max_norm, clip

    def on_fit_start(self, state) -> None:
        self.norms: list[float] = []

    def on_before_step(self, state) -> None:
        self.norms.append(float(self.clip(state.model.parameters(), self.max_norm)))


class LRSchedule(Callback):
    """Advance a learning-rate ``scheduler`` after every optimiser step (``per="step"``) or every epoch (``per="epoch"``).

    The scheduler must drive the optimiser that :func:`dlbook.fit` steps. ``lrs`` records the
    learning rate (of the first parameter group) that each step or epoch used.
    """

    def __init__(self, scheduler: torch.optim.lr_scheduler.LRScheduler, per: str = "step"):
        if per not in ("step", "epoch"):
            raise ValueError(f"per must be 'step' or 'epoch', got {per!r}")
        if not hasattr(scheduler, "step") or not hasattr(scheduler, "optimizer"):
            raise TypeError(f"scheduler must be a torch learning-rate scheduler, got {type(scheduler).__name__}")
        self.scheduler, self.per = scheduler, per

    def on_fit_start(self, state) -> None:
        if self.scheduler.optimizer is not state.optimizer:
            raise ValueError("the scheduler drives another optimizer than the one fit() steps")
        self.lrs: list[float] = []

    def _advance(self) -> None:
        self.lrs.append(self.scheduler.optimizer.param_groups[0]["lr"])
        self.scheduler.step()

    def on_step_end(self, state) -> None:
        if self.per == "step":
            self._advance()

    def on_epoch_end(self, state) -> None:
        if self.per == "epoch":
            self._advance()
