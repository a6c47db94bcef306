"""What ``train_gan`` and ``train_wgan`` share: checking arguments, drawing batches, logging and divergence."""
from __future__ import annotations

import math

import torch
from torch import nn

from dlbook.history import History
from dlbook.train import TrainingDiverged


def check_arguments(generator, discriminator, real, labels, optimizers: dict, steps, batch_size, latent_dim,
                    log_every) -> None:
    for name, model in (("generator", generator), ("discriminator", discriminator)):
        if not isinstance(model, nn.Module):
            raise TypeError(f"{name} must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(real, torch.Tensor) or not real.is_floating_point() or real.ndim < 2 or len(real) == 0:
        raise ValueError("real must be a non-empty floating-point tensor (N, ...) of training samples")
    if labels is not None:
        if not isinstance(labels, torch.Tensor) or labels.dtype not in (torch.int32, torch.int64):
            raise TypeError("labels must be an integer tensor of class indices")
        if labels.shape != real.shape[:1]:
            raise ValueError(f"need one label per sample: real {tuple(real.shape)}, labels {tuple(labels.shape)}")
    for name, optimizer in optimizers.items():
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise TypeError(f"{name} must be a torch.optim.Optimizer, got {type(optimizer).__name__}")
    for name, value in (("steps", steps), ("batch_size", batch_size), ("latent_dim", latent_dim),
                        ("log_every", log_every)):
        if isinstance(value, bool) or not isinstance(value, int) or value < (0 if name == "steps" else 1):
            raise ValueError(f"{name} must be a {'non-negative' if name == 'steps' else 'positive'} int, got {value!r}")


class Batches:
    """Mini-batches of ``real`` (and ``labels``) on ``device``, drawn with replacement; the whole set when
    ``batch_size ≥ N`` (full-batch training), plus latent codes ``z ~ N(0, I)``."""

    def __init__(self, real: torch.Tensor, labels, batch_size: int, latent_dim: int, device: torch.device,
                 seed: int):
        self.real = real.to(device)
        self.labels = None if labels is None else labels.to(device)
        self.full = batch_size >= len(real)
        self.batch_size = len(real) if self.full else batch_size
        self.latent_dim, self.device = latent_dim, device
        self.gen = torch.Generator(device=device).manual_seed(seed)

    def real_batch(self):
        if self.full:
            return self.real, self.labels
        i = torch.randint(len(self.real), (self.batch_size,), device=self.device, generator=self.gen)
        return self.real[i], None if self.labels is None else self.labels[i]

    def latent(self) -> torch.Tensor:
        return torch.randn(self.batch_size, self.latent_dim, device=self.device, generator=self.gen)


def call(model: nn.Module, x: torch.Tensor, labels) -> torch.Tensor:
    """``model(x)``, or ``model(x, labels)`` for a conditional network."""
    return model(x) if labels is None else model(x, labels)


class Log:
    """Sums of the logged quantities over ``log_every`` steps; a row of means per interval in ``history``.

    A non-finite value raises ``dlbook.TrainingDiverged`` naming the quantity and the step. On a
    CPU every step is checked; on CUDA only at the end of each interval (a check waits for the GPU).
    """

    def __init__(self, where: str, log_every: int, device: torch.device):
        self.where, self.log_every, self.history = where, log_every, History()
        self.every_step = device.type != "cuda"
        self.sums: dict[str, torch.Tensor] = {}
        self.count = 0

    def _check(self, values: dict[str, float], step: int) -> None:
        for name, value in values.items():
            if not math.isfinite(value):
                raise TrainingDiverged(f"{self.where}: {name} became {value} at step {step}", self.history, step, step)

    def add(self, step: int, **values: torch.Tensor) -> bool:
        """Record one step's values; ``True`` when this step closed an interval (a row was appended)."""
        if self.every_step:
            self._check({k: float(v.detach()) for k, v in values.items()}, step)
        for name, value in values.items():
            self.sums[name] = self.sums.get(name, 0.0) + value.detach().float()
        self.count += 1
        if step % self.log_every:
            return False
        row = {name: float(total) / self.count for name, total in self.sums.items()}
        self._check(row, step)
        self.history.append(step, row)
        self.sums, self.count = {}, 0
        return True
