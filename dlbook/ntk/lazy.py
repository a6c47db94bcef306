"""Lazy training: how far the weights and the tangent kernel move while a network trains.

:class:`KernelTracker` is a :class:`dlbook.Callback` that measures, every few epochs of :func:`dlbook.fit`,
the relative change of the trainable parameters and of the empirical NTK on fixed inputs (and records
the kernels and the outputs, for plotting). :class:`ScaledOutput` is Chizat and Bach's output scaling:
``α (f(x; θ) − f(x; θ₀))``, trained on the loss divided by ``α²``; large ``α`` makes any network lazy.
"""
from __future__ import annotations

import copy

import torch
from torch import nn

from ..train import Callback
from ._args import check_inputs, check_nonnegative, check_positive_int
from .empirical import empirical_ntk


def relative_change(new: torch.Tensor, old: torch.Tensor) -> float:
    """``‖new − old‖ / ‖old‖`` (Frobenius norm), for two tensors of the same shape."""
    if not isinstance(new, torch.Tensor) or not isinstance(old, torch.Tensor):
        raise TypeError("relative_change compares two tensors")
    if new.shape != old.shape:
        raise ValueError(f"relative_change: shapes {tuple(new.shape)} and {tuple(old.shape)} differ")
    scale = float(old.norm())
    if scale == 0:
        raise ValueError("relative_change: the reference tensor is zero")
    return float((new - old).norm()) / scale


def _trainable_vector(model: nn.Module) -> torch.Tensor:
    return torch.cat([p.detach().reshape(-1) for p in model.parameters() if p.requires_grad]).cpu()


class ScaledOutput(nn.Module):
    """``x ↦ α (f(x; θ) − f(x; θ₀))``: the model's change since initialisation, scaled by ``alpha``.

    ``x: (N, ...) → (N, ...)`` as ``model``. The initial model is kept as a frozen copy (its parameters do
    not require gradients), so the output starts at zero whatever ``α``. Train it on ``loss/α²``:
    then the outputs move at a speed independent of ``α`` while the parameters move ``1/α`` as fast.
    """

    def __init__(self, model: nn.Module, alpha: float):
        super().__init__()
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
        self.alpha = check_nonnegative("alpha", alpha, positive=True)
        self.model = model
        self.initial = copy.deepcopy(model).requires_grad_(False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            start = self.initial(x)
        return self.alpha * (self.model(x) - start)


class KernelTracker(Callback):
    """Records, at the start of :func:`dlbook.fit` and after every ``every`` epochs, on inputs ``x: (N, ...)``:

    ``epochs`` (0 = before training), ``kernels`` (``Θ_t: (N, N)``, on the CPU), ``kernel_change``
    (``‖Θ_t − Θ₀‖/‖Θ₀‖``), ``weight_change`` (``‖θ_t − θ₀‖/‖θ₀‖`` over trainable parameters) and, when
    ``x_eval: (M, ...)`` is given, ``outputs`` (the model's outputs there, ``(M,)``). The last epoch is
    always recorded. The model must have one output per example.
    """

    def __init__(self, x: torch.Tensor, every: int = 1, x_eval: torch.Tensor | None = None, *,
                 method: str = "jacobian"):
        self.x = check_inputs("x", x)
        self.x_eval = None if x_eval is None else check_inputs("x_eval", x_eval, features=tuple(x.shape[1:]))
        self.every = check_positive_int("every", every)
        self.method = method
        self.epochs: list[int] = []
        self.kernels: list[torch.Tensor] = []
        self.kernel_change: list[float] = []
        self.weight_change: list[float] = []
        self.outputs: list[torch.Tensor] = []

    def _record(self, model: nn.Module, epoch: int) -> None:
        device = next(model.parameters()).device
        was_training = model.training
        model.eval()
        kernel = empirical_ntk(model, self.x.to(device), method=self.method).cpu()
        theta = _trainable_vector(model)
        if not self.kernels:
            self._theta0 = theta
        self.epochs.append(epoch)
        self.kernels.append(kernel)
        self.kernel_change.append(relative_change(kernel, self.kernels[0]))
        self.weight_change.append(relative_change(theta, self._theta0))
        if self.x_eval is not None:
            with torch.no_grad():
                self.outputs.append(model(self.x_eval.to(device)).reshape(len(self.x_eval)).float().cpu())
        model.train(was_training)

    def on_fit_start(self, state) -> None:
        """Record the initial kernel, parameters and outputs (epoch 0)."""
        self._record(state.model, 0)

    def on_epoch_end(self, state) -> None:
        """Record every ``every`` epochs."""
        if state.epoch % self.every == 0:
            self._record(state.model, state.epoch)

    def on_fit_end(self, state) -> None:
        """Record the last epoch, if it was not recorded already."""
        if self.epochs and self.epochs[-1] != state.epoch and state.epoch > 0:
            self._record(state.model, state.epoch)
