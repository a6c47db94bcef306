"""Deep networks built with a chosen normalisation layer, and which inputs a normalisation makes share statistics.

The layers themselves are in :mod:`dlbook.normalization.layers`; what every ReLU sees
inside such a network, in training and in evaluation mode, is measured with
:func:`dlbook.probe.relu_inputs`.
"""
from __future__ import annotations

from typing import Callable, Sequence

import torch
from torch import nn

from .layers import BatchNorm1d, GroupNorm, LayerNorm

NORMS = ("none", "batch", "layer", "group")


def norm_layer(norm: str, num_features: int, groups: int = 8) -> nn.Module:
    """A normalisation of ``(N, num_features)`` activations → the same shape: one of :data:`NORMS`."""
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
    if norm == "batch":
        return BatchNorm1d(num_features)
    if norm == "layer":
        return LayerNorm(num_features)
    if norm == "group":
        return GroupNorm(groups, num_features)
    return nn.Identity()


def deep_mlp(norm: str = "none", depth: int = 8, in_features: int = 64, width: int = 64, out_features: int = 10,
             groups: int = 8) -> nn.Sequential:
    """``depth`` blocks Linear → normalisation → ReLU, then a linear read-out.

    ``x: (N, in_features) → (N, out_features)``; ``norm`` is one of :data:`NORMS`.

    The linear layers are He-initialised for ReLU (normal weights of variance 2/fan-in, zero
    biases), so even without normalisation the activations keep their scale, on average, at initialisation.
    """
    sizes = dict(depth=depth, in_features=in_features, width=width, out_features=out_features)
    for name, value in sizes.items():
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    layers, fan_in = [], in_features
    for _ in range(depth):
        linear = nn.Linear(fan_in, width)
        nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        nn.init.zeros_(linear.bias)
        layers += [linear, norm_layer(norm, width, groups), nn.ReLU()]
        fan_in = width
    return nn.Sequential(*layers, nn.Linear(fan_in, out_features))


def shares_statistics(norm: Callable[[torch.Tensor], torch.Tensor], shape: Sequence[int],
                      index: Sequence[int]) -> torch.Tensor:
    """Which inputs the output ``norm(x)[index]`` depends on, read off autograd: a bool tensor of ``shape``.

    An output depends on exactly the inputs that share its mean and variance, so this
    is the set a normalisation averages over, measured rather than assumed.
    """
    if len(index) != len(shape):
        raise ValueError(f"index {tuple(index)} must pick one output of shape {tuple(shape)}")
    x = torch.randn(tuple(shape), dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    x.requires_grad_(True)
    (grad,) = torch.autograd.grad(norm(x)[tuple(index)], x)
    return grad != 0
