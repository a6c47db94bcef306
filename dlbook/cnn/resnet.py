"""Residual networks (He et al. 2016): the basic block with identity or projection shortcut, and
plain/residual networks of any depth built from it, to compare the two as depth grows."""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn


class BasicBlock(nn.Module):
    """conv3×3 → norm → ReLU → conv3×3 → norm, plus the shortcut, then ReLU.

    ``(N, C_in, H, W)`` → ``(N, C_out, H/stride, W/stride)``. The shortcut is the identity when
    shapes agree and a projection (1×1 convolution with stride, then norm) when they do not.
    ``residual=False`` drops the shortcut: the same block in a *plain* network. ``norm_layer`` is
    any ``(channels) → module``: ``nn.BatchNorm2d`` or ``dlbook.normalization.BatchNorm2d``.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1, residual: bool = True,
                 norm_layer: Callable[[int], nn.Module] = nn.BatchNorm2d):
        super().__init__()
        for name, v in (("in_channels", in_channels), ("out_channels", out_channels), ("stride", stride)):
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be a positive int, got {v!r}")
        self.residual = residual
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)  # norm supplies the bias
        self.bn1 = norm_layer(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = norm_layer(out_channels)
        self.shortcut = nn.Identity()
        if residual and (stride != 1 or in_channels != out_channels):  # projection: match the shape
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                                          norm_layer(out_channels))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.residual:
            out = out + self.shortcut(x)  # y = F(x) + x: the block learns a correction to x
        return torch.relu(out)


class ResNet(nn.Module):
    """stem conv → ``blocks`` basic blocks (stride 2 where the width doubles) → global mean → linear.

    ``(N, C, H, W)`` → ``(N, num_classes)``; ``2·blocks + 2`` weight layers. ``widths`` lists
    one width per stage; the blocks are split evenly over the stages.
    """

    def __init__(self, blocks: int, widths: tuple[int, ...] = (16, 32), residual: bool = True, in_channels: int = 1,
                 num_classes: int = 10, norm_layer: Callable[[int], nn.Module] = nn.BatchNorm2d):
        super().__init__()
        if isinstance(blocks, bool) or not isinstance(blocks, int) or blocks < len(widths):
            raise ValueError(f"blocks must be an int >= the number of stages ({len(widths)}), got {blocks!r}")
        self.stem = nn.Sequential(nn.Conv2d(in_channels, widths[0], 3, 1, 1, bias=False), norm_layer(widths[0]),
                                  nn.ReLU())
        layers, c = [], widths[0]
        for stage, width in enumerate(widths):
            count = blocks // len(widths) + (stage < blocks % len(widths))
            for i in range(count):
                stride = 2 if (i == 0 and stage > 0) else 1
                layers.append(BasicBlock(c, width, stride, residual, norm_layer))
                c = width
        self.blocks = nn.Sequential(*layers)
        self.head = nn.Linear(c, num_classes)

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)).mean(dim=(2, 3)))


def gradient_norms(model: nn.Module, X: torch.Tensor, y: torch.Tensor,
                   loss_fn: Callable = nn.functional.cross_entropy) -> list[float]:
    """‖∂L/∂W‖ for every convolution weight of ``model`` (input to output) on one batch ``X: (N, …)``."""
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d) and m.kernel_size != (1, 1)]
    if not convs:
        raise ValueError("the model has no (non-1×1) convolutions")
    model.zero_grad(set_to_none=True)
    loss_fn(model(X), y).backward()
    norms = [float(m.weight.grad.norm()) for m in convs]
    model.zero_grad(set_to_none=True)
    return norms
