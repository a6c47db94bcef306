"""Squeeze-and-excitation (Hu et al. 2018): channel-wise attention computed from the image itself.

Squeeze: average each channel over its positions, ``z = mean_{h,w} x``. Excite: a small
bottleneck MLP turns ``z`` into one gate per channel, ``s = σ(W₂ ReLU(W₁ z + b₁) + b₂)``.
Scale: ``y = s ⊙ x``, each channel multiplied by its gate.
"""
from __future__ import annotations

import torch
from torch import nn

from ._args import check_input


class SqueezeExcitation(nn.Module):
    """``(N, C, H, W)`` → ``(N, C, H, W)``; ``fc1: C → C/r``, ``fc2: C/r → C`` as 1×1 convolutions.

    Adds ``2C²/r + C/r + C`` parameters (``squeeze_channels = C // reduction``). The latest gates
    ``(N, C)`` are kept in ``self.gates`` for inspection.
    """

    def __init__(self, channels: int, reduction: int = 4):
        super().__init__()
        if isinstance(channels, bool) or not isinstance(channels, int) or channels < 1:
            raise ValueError(f"channels must be a positive int, got {channels!r}")
        if isinstance(reduction, bool) or not isinstance(reduction, int) or not 1 <= reduction <= channels:
            raise ValueError(f"reduction must be an int in [1, channels={channels}], got {reduction!r}")
        squeeze = channels // reduction
        self.fc1 = nn.Conv2d(channels, squeeze, 1)
        self.fc2 = nn.Conv2d(squeeze, channels, 1)
        self.gates = None

    def forward(self, x):
        check_input(x)
        z = x.mean(dim=(2, 3), keepdim=True)  # squeeze: (N, C, 1, 1)
        s = torch.sigmoid(self.fc2(torch.relu(self.fc1(z))))  # excite: one gate in (0, 1) per channel
        self.gates = s.detach().flatten(1)
        return x * s  # scale


def se_parameters(channels: int, reduction: int) -> int:
    """Parameters one SE block adds: ``C·(C/r) + C/r`` (fc1) ``+ (C/r)·C + C`` (fc2)."""
    squeeze = channels // reduction
    return 2 * channels * squeeze + squeeze + channels


class SmallCNN(nn.Module):
    """conv → ReLU → [SE] → 2×2 max pool, per width, then flatten → linear.

    ``(N, C, S, S)`` → ``(N, num_classes)`` for square inputs of side ``input_size``. With
    ``se=True`` a :class:`SqueezeExcitation` follows each convolution; otherwise the two networks
    are identical.
    """

    def __init__(self, in_channels: int = 1, input_size: int = 8, widths: tuple[int, ...] = (16, 32),
                 num_classes: int = 10, se: bool = False, reduction: int = 4):
        super().__init__()
        if input_size % 2 ** len(widths):
            raise ValueError(f"input_size ({input_size}) must be divisible by 2^{len(widths)} (one pool per width)")
        layers, c = [], in_channels
        for width in widths:
            layers += [nn.Conv2d(c, width, 3, padding=1), nn.ReLU()]
            if se:
                layers.append(SqueezeExcitation(width, reduction))
            layers.append(nn.MaxPool2d(2))
            c = width
        self.features = nn.Sequential(*layers)
        self.head = nn.Linear(c * (input_size // 2 ** len(widths)) ** 2, num_classes)

    def forward(self, x):
        return self.head(self.features(x).flatten(1))
