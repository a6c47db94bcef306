"""The book's one supervised training loop, :func:`fit`, with :func:`evaluate`, :func:`predict` and the
events its callbacks answer.

A batch is a tuple ``(*inputs, target)`` and the model is called as ``model(*inputs)``:
``(X, y)`` for an MLP, ``(X, questions, y)`` for a conditional network, ``(x, edge_index, y)``
for a graph network. Batching is in :mod:`dlbook.batches`. Loops of another shape
(GANs, DQN, REINFORCE) live in their chapter's folder and reuse :func:`autocast` and
:func:`dlbook.batches.move`.
"""
from __future__ import annotations

import contextlib
import math
import sys
import warnings
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import torch
from torch import nn

from .batches import LoaderBatches, TensorBatches, as_batches
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

    The loop fires, in this order: ``on_fit_start`` once; for every optimiser step
    ``on_before_step`` (gradients computed, parameters not yet changed: clipping,
    gradient statistics) and ``on_step_end`` (after the step: per-step schedules);
    ``on_epoch_end`` after each epoch (after validation); ``on_fit_end`` once, also
    when training stops early, diverges or is interrupted. ``state`` is the run's
    :class:`FitState`; a callback sets ``state.stop = True`` to end training after
    the current epoch.
    """

    def on_fit_start(self, state: "FitState") -> None:
        pass

    def on_before_step(self, state: "FitState") -> None:
        pass

    def on_step_end(self, state: "FitState") -> None:
        pass

    def on_epoch_end(self, state: "FitState") -> None:
        pass

    def on_fit_end(self, state: "FitState") -> None:
        pass


@dataclass
class FitState:
    """What callbacks see: the objects being trained, where training is, and a flag to stop after this epoch.

    ``step`` counts optimiser steps from 1 over the whole run; ``loss`` is the current
    step's loss (a scalar tensor, still on the device).
    """

    model: nn.Module
    optimizer: torch.optim.Optimizer
    history: History
    device: torch.device
    epoch: int = 0
    step: int = 0
    loss: torch.Tensor | None = None
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


def autocast(device: torch.device, enabled: bool):
    """bf16 autocast on CUDA when ``enabled``; a no-op context elsewhere (CPU runs in float32)."""
    if enabled and device.type == "cuda":
        return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def _shapes(output) -> str:
    if isinstance(output, torch.Tensor):
        return str(tuple(output.shape))
    if isinstance(output, (tuple, list)):
        return "(" + ", ".join(_shapes(o) for o in output) + ")"
    return type(output).__name__


def _first_loss(loss_fn, output, target: torch.Tensor) -> torch.Tensor:
    """The first loss of a run, with shape mistakes turned into an error that names the shapes."""
    shapes = f"model output {_shapes(output)} and targets {tuple(target.shape)}"
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
    if not isinstance(loss, torch.Tensor) or loss.ndim != 0:
        raise ValueError(f"loss_fn must return a scalar tensor, got {_shapes(loss)} from {shapes}")
    return loss


def _for_metrics(output):
    """The output as metrics see it: detached, in float32 at least (not bf16)."""
    if isinstance(output, torch.Tensor):
        output = output.detach()
        return output.float() if output.is_floating_point() else output
    return type(output)(_for_metrics(o) for o in output)


def model_device(model: nn.Module, device: torch.device | str | None = None) -> torch.device:
    """``device`` if given, else where ``model``'s parameters live (``get_device()`` for a parameter-free model)."""
    if device is not None:
        return device if isinstance(device, torch.device) else get_device(device)
    return next((p.device for p in model.parameters()), None) or get_device()


def evaluate(model: nn.Module, data, *, loss_fn=None, metrics: Mapping[str, Metric] | None = None,
             batch_size: int = 1024, device: torch.device | str | None = None, amp: bool = False) -> dict[str, float]:
    """Mean loss and metrics of ``model`` over ``data`` (as :func:`fit` takes it) in eval mode, without gradients.

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
            for *inputs, target in source.batches():
                out = model(*inputs)
                n = len(target)
                if loss_fn is not None:
                    totals["loss"] += float(loss_fn(out, target)) * n
                for name, metric in metrics.items():
                    totals[name] += float(metric(_for_metrics(out), target)) * n
                count += n
    finally:
        model.train(was_training)
    return {name: total / count for name, total in totals.items()}


def _check_arguments(model, loss_fn, optimizer, epochs, batch_size, callbacks) -> None:
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
    for callback in callbacks:
        if not isinstance(callback, Callback):
            raise TypeError(f"callbacks must be dlbook.Callback instances, got {type(callback).__name__}")


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
        device: torch.device | str | None = None, amp: bool = False, shuffle: bool = True, seed: int = 0,
        record_steps: bool = False, progress: bool | None = None) -> History:
    """Train ``model`` on ``train`` for ``epochs`` epochs and return its :class:`History`.

    ``train``/``val``: tensors ``(*inputs, target)`` sharing their first dimension
    (``(X, y)`` with ``X: (N, ...)``, ``y: (N, ...)``), a ``Dataset`` or ``DataLoader``
    yielding such tuples, or a list of batch tuples. Each step computes
    ``loss_fn(model(*inputs), target)``. ``metrics`` maps names to functions
    ``metric(output, target)`` averaged over each epoch (``val_`` prefixed on ``val``).
    Clipping, per-step schedules and everything else optional are callbacks
    (:mod:`dlbook.callbacks`). ``amp=True`` trains under bf16 autocast on CUDA.
    Shuffling is seeded by ``seed``.

    A NaN or infinite loss raises :class:`TrainingDiverged` naming the epoch
    and step, with the history so far; Ctrl-C returns the history so far.
    """
    _check_arguments(model, loss_fn, optimizer, epochs, batch_size, callbacks)
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
            for step, (*inputs, target) in enumerate(train_data.batches(generator if shuffle else None), start=1):
                with autocast(device, amp):
                    out = model(*inputs)
                    loss = _first_loss(loss_fn, out, target) if state.step == 0 else loss_fn(out, target)
                if check_each_step and not math.isfinite(loss.item()):
                    raise TrainingDiverged(f"loss became {loss.item()} at epoch {epoch}, step {step}", history, epoch, step)
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                state.step, state.loss = state.step + 1, loss.detach()
                for callback in callbacks:
                    callback.on_before_step(state)
                optimizer.step()
                for callback in callbacks:
                    callback.on_step_end(state)
                step_losses.append(state.loss)
                sizes.append(len(target))
                for name, metric in metrics.items():
                    metric_sums[name] += float(metric(_for_metrics(out), target)) * len(target)
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


def predict(model: nn.Module, *inputs: torch.Tensor, batch_size: int = 4096,
            device: torch.device | str | None = None) -> torch.Tensor:
    """``model(*inputs)`` in eval mode without gradients, in batches along the first dimension, on the CPU.

    ``inputs``: one or more tensors ``(N, ...)`` sharing their first dimension; the model's
    output is a tensor ``(N, ...)``.
    """
    if not inputs:
        raise TypeError("predict needs at least one input tensor")
    for i, X in enumerate(inputs):
        if not isinstance(X, torch.Tensor):
            raise TypeError(f"input {i} must be a tensor, got {type(X).__name__}")
    if len({len(X) for X in inputs}) > 1:
        raise ValueError(f"inputs differ in length: {[len(X) for X in inputs]}")
    device = model_device(model, device)
    n = len(inputs[0])
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            outs = [model(*(X[i : i + batch_size].to(device) for X in inputs)).float().cpu()
                    for i in range(0, n, batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(outs) if outs else torch.empty(0)
