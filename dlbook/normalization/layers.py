"""Normalisation layers from scratch: batch, layer, instance, group and conditional batch norm,
with PyTorch's parameter and buffer names so that a layer and its ``torch.nn`` twin swap freely.

Inputs are laid out as PyTorch lays them out: ``(N, C, *spatial)``. The functions they are
built on are in :mod:`dlbook.normalization.functional`.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn

from .functional import _check_groups, group_norm, instance_norm, normalize


def _channel_dims(x: torch.Tensor) -> tuple[int, ...]:
    return (0, *range(2, x.ndim))


def _per_channel(p: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """A ``(C,)`` tensor shaped ``(1, C, 1, …)`` to broadcast against ``x: (N, C, *)``."""
    return p.view(1, -1, *([1] * (x.ndim - 2)))


def _affine(x_hat: torch.Tensor, weight: torch.Tensor | None, bias: torch.Tensor | None) -> torch.Tensor:
    """``y = γ x̂ + β`` per channel; a missing γ or β is the identity."""
    y = x_hat if weight is None else x_hat * _per_channel(weight, x_hat)
    return y if bias is None else y + _per_channel(bias, x_hat)


def _check_input(x: torch.Tensor, ranks: Sequence[int], channels: int) -> None:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"input must be a tensor, got {type(x).__name__}")
    if x.ndim not in ranks:
        raise ValueError(f"expected {' or '.join(f'{r}D' for r in ranks)} input (got {x.ndim}D input)")
    if x.shape[1] != channels:
        raise ValueError(f"expected {channels} channels in dimension 1, got input of shape {tuple(x.shape)}")


class BatchNormFunction(torch.autograd.Function):
    """Training-mode batch norm ``y = γ x̂ + β`` with its backward pass written by hand.

    ``x: (N, C, *)``, ``weight``, ``bias``: ``(C,)`` or None → ``(N, C, *)``. Every
    channel is normalised by its own statistics over the m = N·(positions) values it holds.
    """

    @staticmethod
    def forward(ctx, x, weight, bias, eps):
        dims = _channel_dims(x)
        mean = x.mean(dim=dims, keepdim=True)
        inv_std = torch.rsqrt(x.var(dim=dims, correction=0, keepdim=True) + eps)  # 1/σ
        x_hat = (x - mean) * inv_std
        ctx.save_for_backward(x_hat, inv_std, weight)
        return _affine(x_hat, weight, bias)

    @staticmethod
    def backward(ctx, grad_y):
        x_hat, inv_std, weight = ctx.saved_tensors
        dims = _channel_dims(grad_y)
        g = grad_y if weight is None else grad_y * _per_channel(weight, grad_y)  # ∂L/∂x̂ = γ ∂L/∂y
        # ∂L/∂x = (1/σ) (g − mean(g) − x̂ · mean(g x̂)): the three-term formula, per channel
        grad_x = inv_std * (g - g.mean(dim=dims, keepdim=True) - x_hat * (g * x_hat).mean(dim=dims, keepdim=True))
        grad_weight = (grad_y * x_hat).sum(dim=dims) if ctx.needs_input_grad[1] else None  # Σ ∂L/∂y · x̂
        grad_bias = grad_y.sum(dim=dims) if ctx.needs_input_grad[2] else None  # Σ ∂L/∂y
        return grad_x, grad_weight, grad_bias, None


class _BatchNorm(nn.Module):
    """Batch norm: batch statistics while training, running estimates of them in evaluation."""

    ranks: tuple[int, ...] = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True):
        super().__init__()
        if not isinstance(num_features, int) or num_features < 1:
            raise ValueError(f"num_features must be a positive int, got {num_features!r}")
        if momentum is not None and not 0 <= momentum <= 1:
            raise ValueError(f"momentum must lie in [0, 1] (or be None for a cumulative average), got {momentum}")
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight = nn.Parameter(torch.ones(num_features)) if affine else None  # γ
        self.bias = nn.Parameter(torch.zeros(num_features)) if affine else None  # β
        if track_running_stats:
            self.register_buffer("running_mean", torch.zeros(num_features))
            self.register_buffer("running_var", torch.ones(num_features))
            self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))
        else:
            self.running_mean = self.running_var = self.num_batches_tracked = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_input(x, self.ranks, self.num_features)
        if self.training or self.running_mean is None:
            if x.numel() // x.shape[1] <= 1:
                raise ValueError(f"Expected more than 1 value per channel when training, got input size {tuple(x.shape)}")
            if self.training and self.running_mean is not None:
                self._update_running_stats(x)
            return BatchNormFunction.apply(x, self.weight, self.bias, self.eps)
        # evaluation: a fixed affine map per channel, the same for every sample
        inv_std = torch.rsqrt(self.running_var + self.eps)
        return _affine((x - _per_channel(self.running_mean, x)) * _per_channel(inv_std, x), self.weight, self.bias)

    @torch.no_grad()
    def _update_running_stats(self, x: torch.Tensor) -> None:
        self.num_batches_tracked += 1
        factor = 1.0 / float(self.num_batches_tracked) if self.momentum is None else self.momentum
        dims = _channel_dims(x)
        # running ← (1 − momentum) · running + momentum · batch statistic; the variance unbiased (÷ (m − 1))
        # the buffers keep their own dtype (float32) when x is bf16 under autocast
        self.running_mean.lerp_(x.mean(dim=dims).to(self.running_mean.dtype), factor)
        self.running_var.lerp_(x.var(dim=dims, correction=1).to(self.running_var.dtype), factor)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch norm of ``(N, C)`` features or ``(N, C, L)`` sequences → the same shape."""

    ranks = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch norm of ``(N, C, H, W)`` images → the same shape."""

    ranks = (4,)


class LayerNorm(nn.Module):
    """Normalises each sample over its last ``len(normalized_shape)`` axes: ``(*, *normalized_shape) → same``."""

    def __init__(self, normalized_shape: int | Sequence[int], eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        if not shape or any(not isinstance(s, int) or s < 1 for s in shape):
            raise ValueError(f"normalized_shape must be positive ints, got {normalized_shape!r}")
        self.normalized_shape, self.eps = shape, eps
        self.weight = nn.Parameter(torch.ones(shape)) if elementwise_affine else None
        self.bias = nn.Parameter(torch.zeros(shape)) if elementwise_affine and bias else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        k = len(self.normalized_shape)
        if x.ndim < k or tuple(x.shape[x.ndim - k:]) != self.normalized_shape:
            raise ValueError(f"normalized_shape={list(self.normalized_shape)} needs input of shape "
                             f"[*, {', '.join(map(str, self.normalized_shape))}], got {tuple(x.shape)}")
        y = normalize(x, tuple(range(-k, 0)), self.eps)
        y = y if self.weight is None else y * self.weight  # γ and β have the normalised shape: they broadcast
        return y if self.bias is None else y + self.bias


class _InstanceNorm(nn.Module):
    """Instance norm: each sample's channel normalised over its own positions (no running statistics)."""

    rank: int = 0

    def __init__(self, num_features: int, eps: float = 1e-5, affine: bool = False):
        super().__init__()
        self.num_features, self.eps = num_features, eps
        self.weight = nn.Parameter(torch.ones(num_features)) if affine else None
        self.bias = nn.Parameter(torch.zeros(num_features)) if affine else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        unbatched = isinstance(x, torch.Tensor) and x.ndim == self.rank - 1
        x = x.unsqueeze(0) if unbatched else x
        _check_input(x, (self.rank,), self.num_features)
        if x[0, 0].numel() <= 1:
            raise ValueError(f"Expected more than 1 spatial element, got input size {tuple(x.shape)}")
        y = _affine(instance_norm(x, self.eps), self.weight, self.bias)
        return y.squeeze(0) if unbatched else y


class InstanceNorm1d(_InstanceNorm):
    """Instance norm of ``(N, C, L)`` (or unbatched ``(C, L)``) → the same shape."""

    rank = 3


class InstanceNorm2d(_InstanceNorm):
    """Instance norm of ``(N, C, H, W)`` (or unbatched ``(C, H, W)``) → the same shape."""

    rank = 4


class GroupNorm(nn.Module):
    """Group norm: ``(N, C, *) → (N, C, *)``, each sample's ``num_groups`` groups of channels normalised apart."""

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True):
        super().__init__()
        _check_groups(num_channels, num_groups)
        self.num_groups, self.num_channels, self.eps = num_groups, num_channels, eps
        self.weight = nn.Parameter(torch.ones(num_channels)) if affine else None
        self.bias = nn.Parameter(torch.zeros(num_channels)) if affine else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_input(x, range(2, 9), self.num_channels)
        return _affine(group_norm(x, self.num_groups, self.eps), self.weight, self.bias)


class ConditionalBatchNorm(_BatchNorm):
    """Batch norm whose scale and shift are chosen by a class label: ``y = γ[c] x̂ + β[c]``.

    ``x: (N, C, *)``, ``labels: (N,)`` ints in ``[0, num_classes)`` → ``(N, C, *)``. The
    statistics (and running estimates) are shared by all classes; only γ and β differ.
    """

    ranks = (2, 3, 4, 5)

    def __init__(self, num_features: int, num_classes: int, eps: float = 1e-5, momentum: float | None = 0.1):
        super().__init__(num_features, eps, momentum, affine=False)
        self.num_classes = num_classes
        self.gamma = nn.Embedding(num_classes, num_features)  # one row of γ per class, starting at 1
        self.beta = nn.Embedding(num_classes, num_features)  # one row of β per class, starting at 0
        nn.init.ones_(self.gamma.weight)
        nn.init.zeros_(self.beta.weight)

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        if not isinstance(labels, torch.Tensor) or labels.dtype not in (torch.int32, torch.int64):
            raise TypeError("labels must be an integer tensor of class indices")
        if labels.shape != x.shape[:1]:
            raise ValueError(f"need one label per sample: input {tuple(x.shape)}, labels {tuple(labels.shape)}")
        if len(labels) and not 0 <= int(labels.min()) <= int(labels.max()) < self.num_classes:
            raise ValueError(f"labels must lie in [0, {self.num_classes}), got {labels.min()}..{labels.max()}")
        x_hat = super().forward(x)
        shape = (len(x), self.num_features) + (1,) * (x.ndim - 2)
        return self.gamma(labels).view(shape) * x_hat + self.beta(labels).view(shape)
