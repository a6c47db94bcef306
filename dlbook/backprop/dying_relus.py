"""Dead ReLU units: a Gaussian initialisation at a chosen scale, and counting units that
never fire."""

from __future__ import annotations

import torch
from torch import nn


def gaussian_init_(model: nn.Module, scale: float) -> nn.Module:
    """Draw every ``Wˡ ~ N(0, scale² / fan_in)`` and set every bias to 0, in place."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Linear):
                m.weight.normal_(0.0, scale / m.in_features**0.5)
                m.bias.zero_()
    return model


def dead_units(model: nn.Sequential, X: torch.Tensor) -> list[int]:
    """For each ReLU of ``model``: how many of its units output 0 for every row of ``X``.
    """
    counts, x = [], X
    with torch.no_grad():
        for layer in model:
            x = layer(x)
            if isinstance(layer, nn.ReLU):
                counts.append(int((x <= 0).all(dim=0).sum()))
    return counts
