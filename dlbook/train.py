"""The book's one supervised training loop: :func:`fit`, its :class:`History` and its callbacks.

Tensor pairs ``(X, y)`` are moved to the device once and batched there by
index slicing, so a step costs what a hand-written loop costs. Loops of another
shape (GANs, DQN, REINFORCE) live in their chapter's module and reuse
:func:`autocast` and :func:`move`.
"""
from __future__ import annotations

import contextlib
import math
import sys
import warnings
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Mapping, Sequence

import torch
from torch import nn

from .config import get_device, headless
from .history import History

Metric = Callable[[torch.Tensor, torch.Tensor], torch.Tensor | float]


class TrainingDiverged(FloatingPointError):
    """The loss became NaN or infinite; ``history`` holds every epoch completed before."""

    def __init__(self, message: str, history: History, epoch: int, step: int):
        super().__init__(message)
        self.history, self.epoch, self.step = history, epoch, step


class Callback:
    """Base class of everything optional in :func:`fit`: override the events you need.

    The loop fires, in this order: ``on_fit_start`` once; ``on_epoch_end`` after each
    epoch (after validation); ``on_fit_end`` once, also when training stops early,
    diverges or is interrupted. ``state`` is the run's :class:`FitState`; a callback
    sets ``state.stop = True`` to end training after the current epoch.
    """

    def on_fit_start(self, state: "FitState") -> None:
        pass

    def on_epoch_end(self, state: "FitState") -> None:
        pass

    def on_fit_end(self, state: "FitState") -> None:
        pass


@dataclass
class FitState:
    """What callbacks see: the objects being trained and a flag to stop after this epoch."""

    model: nn.Module
    optimizer: torch.optim.Optimizer
    history: History
    device: torch.device
    epoch: int = 0
    stop: bool = False


def accuracy(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Fraction of correct predictions.

    ``output: (N, K)`` class scores with ``target: (N,)`` class indices, or
    ``output: (N,)``/``(N, 1)`` logits of a binary classifier with 0/1 targets.
    """
    if output.ndim == 2 and output.shape[1] > 1:
        predicted = output.argmax(dim=1)
    else:
        predicted = (output.reshape(-1) > 0).long()
    target = target.reshape(-1)
    if predicted.shape != target.shape:
        raise ValueError(f"accuracy needs one prediction per target: output {tuple(output.shape)}, target {tuple(target.shape)}")
    return (predicted == target.long()).float().mean()


def move(batch, device: torch.device):
    """A tensor, or a tuple/list of tensors, on ``device`` (asynchronously where possible)."""
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=True)
    return type(batch)(move(b, device) for b in batch)


def autocast(device: torch.device, enabled: bool):
    """bf16 autocast on CUDA when ``enabled``; a no-op context elsewhere (CPU runs in float32)."""
    if enabled and device.type == "cuda":
        return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


# ------------------------------------------------------------------ batches

class TensorBatches:
    """Mini-batches of an ``(X, y)`` pair that lives on the device: one transfer, then index slicing."""

    def __init__(self, X: torch.Tensor, y: torch.Tensor, batch_size: int, device: torch.device, name: str):
        if not isinstance(X, torch.Tensor) or not isinstance(y, torch.Tensor):
            raise TypeError(f"{name} must be a pair of tensors (X, y), got ({type(X).__name__}, {type(y).__name__})")
        if len(X) != len(y):
            raise ValueError(f"{name}: X and y differ in length: {len(X)} inputs vs {len(y)} targets")
        if len(X) == 0:
            raise ValueError(f"{name} is empty: nothing to train or evaluate on")
        self.X, self.y = X.to(device, non_blocking=True), y.to(device, non_blocking=True)
        self.batch_size = batch_size

    def __len__(self) -> int:
        return len(self.X)

    def batches(self, generator: torch.Generator | None = None) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n = len(self.X)
        if generator is None:
            for i in range(0, n, self.batch_size):
                yield self.X[i : i + self.batch_size], self.y[i : i + self.batch_size]
            return
        order = torch.randperm(n, generator=generator).to(self.X.device, non_blocking=True)
        for i in range(0, n, self.batch_size):
            index = order[i : i + self.batch_size]
            yield self.X[index], self.y[index]


class LoaderBatches:
    """Mini-batches from a ``DataLoader`` (or a ``Dataset``, wrapped in one), moved to the device per batch."""

    def __init__(self, data, batch_size: int, device: torch.device, shuffle: bool, generator: torch.Generator, name: str):
        if isinstance(data, torch.utils.data.Dataset):
            data = torch.utils.data.DataLoader(data, batch_size=batch_size, shuffle=shuffle, generator=generator)
        self.loader, self.device, self.name = data, device, name
        try:
            size = len(self.loader.dataset)
        except TypeError:  # an iterable data set without a length
            size = None
        if size == 0:
            raise ValueError(f"{name} is empty: nothing to train or evaluate on")

    def __len__(self) -> int:
        return len(self.loader.dataset)

    def batches(self, generator=None) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        for batch in self.loader:
            if not isinstance(batch, (tuple, list)) or len(batch) != 2:
                raise ValueError(f"{self.name} must yield (inputs, targets) pairs, got {type(batch).__name__}")
            yield move(tuple(batch), self.device)


def as_batches(data, batch_size: int, device: torch.device, *, shuffle: bool, generator: torch.Generator, name: str):
    """Accept an ``(X, y)`` tensor pair, a ``Dataset`` or a ``DataLoader``."""
    if isinstance(data, (tuple, list)):
        if len(data) != 2:
            raise ValueError(f"{name} must be a pair (X, y), got a sequence of {len(data)} items")
        return TensorBatches(data[0], data[1], batch_size, device, name)
    if isinstance(data, (torch.utils.data.Dataset, torch.utils.data.DataLoader)):
        return LoaderBatches(data, batch_size, device, shuffle, generator, name)
    raise TypeError(f"{name} must be an (X, y) pair of tensors, a Dataset or a DataLoader, got {type(data).__name__}")


# ------------------------------------------------------------------ one step, one epoch

def _first_loss(loss_fn, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The first loss of a run, with shape mistakes turned into an error that names the shapes."""
    shapes = f"model output {tuple(output.shape)} and targets {tuple(target.shape)}"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            loss = loss_fn(output, target)
        except (RuntimeError, ValueError, IndexError) as err:
            raise ValueError(f"loss_fn cannot compare {shapes}: {err}") from err
    for w in caught:
        if "size" in str(w.message) and "target" in str(w.message):
            raise ValueError(f"loss_fn would broadcast {shapes} against each other: {w.message}")
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if loss.ndim != 0:
        raise ValueError(f"loss_fn must return a scalar, got shape {tuple(loss.shape)} from {shapes}")
    return loss


def model_device(model: nn.Module, device: torch.device | str | None = None) -> torch.device:
    """``device`` if given, else where ``model``'s parameters live (``get_device()`` for a parameter-free model)."""
    if device is not None:
        return device if isinstance(device, torch.device) else get_device(device)
    return next((p.device for p in model.parameters()), None) or get_device()


def evaluate(model: nn.Module, data, *, loss_fn=None, metrics: Mapping[str, Metric] | None = None,
             batch_size: int = 1024, device: torch.device | str | None = None, amp: bool = False) -> dict[str, float]:
    """Mean loss and metrics of ``model`` over ``data`` in eval mode, without gradients.

    ``data`` is moved to ``device``, by default the device the model's parameters are on."""
    device = model_device(model, device)
    source = data if isinstance(data, (TensorBatches, LoaderBatches)) else as_batches(
        data, batch_size, device, shuffle=False, generator=None, name="data")
    metrics = dict(metrics or {})
    totals = {name: 0.0 for name in (["loss"] if loss_fn else []) + list(metrics)}
    count = 0
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode(), autocast(device, amp):
            for xb, yb in source.batches():
                out = model(xb)
                n = len(xb)
                if loss_fn is not None:
                    totals["loss"] += float(loss_fn(out, yb)) * n
                for name, metric in metrics.items():
                    totals[name] += float(metric(out.float(), yb)) * n
                count += n
    finally:
        model.train(was_training)
    return {name: total / count for name, total in totals.items()}


def _check_arguments(model, loss_fn, optimizer, epochs, batch_size, grad_clip) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative int, got {epochs!r}")
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    if grad_clip is not None and not grad_clip > 0:
        raise ValueError(f"grad_clip must be a positive norm or None, got {grad_clip!r}")


def _progress(epochs: int, enabled: bool | None):
    if enabled is None:
        enabled = not headless()
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=epochs, unit="epoch", leave=False)


def fit(model: nn.Module, train, *, loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
        optimizer: torch.optim.Optimizer, epochs: int, batch_size: int = 64, val=None,
        metrics: Mapping[str, Metric] | None = None, callbacks: Sequence[Callback] = (),
        device: torch.device | str | None = None, grad_clip: float | None = None, amp: bool = False,
        shuffle: bool = True, seed: int = 0, record_steps: bool = False,
        progress: bool | None = None) -> History:
    """Train ``model`` on ``train`` for ``epochs`` epochs and return its :class:`History`.

    ``train``/``val``: an ``(X, y)`` pair of tensors (``X: (N, ...)``, ``y: (N, ...)``),
    a ``Dataset`` or a ``DataLoader``. ``metrics`` maps names to functions
    ``metric(output, target)`` averaged over each epoch (``val_`` prefixed on
    ``val``). ``amp=True`` trains under bf16 autocast on CUDA. Shuffling is
    seeded by ``seed``.

    A NaN or infinite loss raises :class:`TrainingDiverged` naming the epoch
    and step, with the history so far; Ctrl-C returns the history so far.
    """
    _check_arguments(model, loss_fn, optimizer, epochs, batch_size, grad_clip)
    device = get_device(device) if not isinstance(device, torch.device) else device
    generator = torch.Generator().manual_seed(seed)
    train_data = as_batches(train, batch_size, device, shuffle=shuffle, generator=generator, name="train")
    val_data = None if val is None else as_batches(val, max(batch_size, 1024), device, shuffle=False,
                                                   generator=None, name="val")
    metrics = dict(metrics or {})
    model.to(device)
    history = History()
    state = FitState(model, optimizer, history, device)
    check_each_step = device.type != "cuda"  # on CUDA a per-step check would wait for the GPU
    bar = _progress(epochs, progress)
    for callback in callbacks:
        callback.on_fit_start(state)
    epoch, step = 0, 0
    try:
        for epoch in range(1, epochs + 1):
            state.epoch = epoch
            model.train()
            step_losses, sizes = [], []
            metric_sums = {name: 0.0 for name in metrics}
            for step, (xb, yb) in enumerate(train_data.batches(generator if shuffle else None), start=1):
                with autocast(device, amp):
                    out = model(xb)
                    loss = _first_loss(loss_fn, out, yb) if epoch == 1 and step == 1 else loss_fn(out, yb)
                if check_each_step and not math.isfinite(loss.item()):
                    raise TrainingDiverged(f"loss became {loss.item()} at epoch {epoch}, step {step}", history, epoch, step)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                if grad_clip is not None:
                    nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
                optimizer.step()
                step_losses.append(loss.detach())
                sizes.append(len(xb))
                for name, metric in metrics.items():
                    metric_sums[name] += float(metric(out.detach().float(), yb)) * len(xb)
            if not step_losses:
                raise ValueError("train yielded no batches")
            losses = torch.stack(step_losses).float().tolist()
            bad = next((i for i, value in enumerate(losses) if not math.isfinite(value)), None)
            if bad is not None:
                raise TrainingDiverged(f"loss became {losses[bad]} at epoch {epoch}, step {bad + 1}", history, epoch, bad + 1)
            total = sum(sizes)
            row = {"loss": sum(l * n for l, n in zip(losses, sizes)) / total}
            row.update({name: value / total for name, value in metric_sums.items()})
            if val_data is not None:
                scores = evaluate(model, val_data, loss_fn=loss_fn, metrics=metrics, device=device, amp=amp)
                row.update({f"val_{name}": value for name, value in scores.items()})
            history.append(epoch, row, losses if record_steps else None)
            if bar is not None:
                bar.set_postfix({k: f"{v:.4g}" for k, v in row.items()}, refresh=False)
                bar.update()
            for callback in callbacks:
                callback.on_epoch_end(state)
            if state.stop:
                break
    except KeyboardInterrupt:
        history.interrupted = True
        print(f"training interrupted in epoch {epoch} (step {step}); returning the history of "
              f"{len(history)} completed epochs", file=sys.stderr)
    finally:
        if bar is not None:
            bar.close()
        for callback in callbacks:
            callback.on_fit_end(state)
    return history


def predict(model: nn.Module, X: torch.Tensor, *, batch_size: int = 4096,
            device: torch.device | str | None = None) -> torch.Tensor:
    """``model(X)`` in eval mode without gradients, batched, returned on the CPU."""
    if not isinstance(X, torch.Tensor):
        raise TypeError(f"X must be a tensor, got {type(X).__name__}")
    device = model_device(model, device)
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            outs = [model(X[i : i + batch_size].to(device)).float().cpu() for i in range(0, len(X), batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(outs) if outs else torch.empty(0)
