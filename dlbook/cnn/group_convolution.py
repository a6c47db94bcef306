"""A p4 group convolution from scratch (Cohen & Welling 2016): convolution made equivariant to
rotations by multiples of 90° as well as to translations.

Feature maps on p4 carry a rotation axis: ``(N, C, 4, H, W)``. Rotating the input image by 90°
rotates each of these maps spatially *and* shifts them one step along the rotation axis
(:func:`rotate_p4`). Images must be square and padding symmetric for the equality to be exact.
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from ._args import check_input


def rotate(x: torch.Tensor, r: int = 1) -> torch.Tensor:
    """Rotate images ``(…, H, W)`` by ``r`` quarter turns counter-clockwise."""
    return torch.rot90(x, r, dims=(-2, -1))


def rotate_p4(y: torch.Tensor, r: int = 1) -> torch.Tensor:
    """How a rotation acts on p4 feature maps ``(N, C, 4, H, W)``: rotate each map, roll the rotation axis."""
    if y.ndim != 5 or y.shape[2] != 4:
        raise ValueError(f"p4 feature maps must have shape (N, C, 4, H, W), got {tuple(y.shape)}")
    return torch.roll(rotate(y, r), r, dims=2)


def _init(weight: torch.Tensor, fan_in: int) -> None:
    nn.init.uniform_(weight, -1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in))


class P4Lifting(nn.Module):
    """Lift an image to p4: correlate it with the kernel in its four rotations.

    ``weight: (C_out, C_in, k, k)``; ``(N, C_in, H, W)`` → ``(N, C_out, 4, H', W')``, with output
    ``[:, :, r]`` made by the kernel rotated ``r`` quarter turns.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, padding: int = 0):
        super().__init__()
        self.padding = padding
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, kernel_size, kernel_size))
        self.bias = nn.Parameter(torch.zeros(out_channels))  # one per channel, shared by the rotations
        _init(self.weight, in_channels * kernel_size ** 2)

    def forward(self, x):
        check_input(x)
        c_out = self.weight.shape[0]
        kernels = torch.stack([rotate(self.weight, r) for r in range(4)], dim=1)  # (C_out, 4, C_in, k, k)
        y = F.conv2d(x, kernels.flatten(0, 1), padding=self.padding)  # (N, C_out·4, H', W')
        return y.unflatten(1, (c_out, 4)) + self.bias.view(1, -1, 1, 1, 1)


class P4Conv(nn.Module):
    """Group convolution on p4: ``(N, C_in, 4, H, W)`` → ``(N, C_out, 4, H', W')``.

    ``weight: (C_out, C_in, 4, k, k)``. The filter for output rotation ``r`` is the base filter
    rotated ``r`` quarter turns *and* rolled ``r`` steps along its rotation axis.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, padding: int = 0):
        super().__init__()
        self.padding = padding
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels, 4, kernel_size, kernel_size))
        self.bias = nn.Parameter(torch.zeros(out_channels))
        _init(self.weight, in_channels * 4 * kernel_size ** 2)

    def forward(self, x):
        if x.ndim != 5 or x.shape[2] != 4 or x.shape[1] != self.weight.shape[1]:
            raise ValueError(f"expected p4 maps (N, {self.weight.shape[1]}, 4, H, W), got {tuple(x.shape)}")
        c_out = self.weight.shape[0]
        kernels = torch.stack([rotate(torch.roll(self.weight, r, dims=2), r) for r in range(4)], dim=1)
        y = F.conv2d(x.flatten(1, 2), kernels.flatten(0, 1).flatten(1, 2), padding=self.padding)
        return y.unflatten(1, (c_out, 4)) + self.bias.view(1, -1, 1, 1, 1)


class P4CNN(nn.Module):
    """Lifting → ReLU → p4 convolutions → max over rotations and positions → linear.

    ``(N, C, H, W)`` → ``(N, num_classes)``, invariant to 90° rotations of square inputs.
    """

    def __init__(self, in_channels: int = 1, width: int = 8, depth: int = 2, num_classes: int = 10):
        super().__init__()
        self.lift = P4Lifting(in_channels, width, 3, padding=1)
        self.convs = nn.ModuleList([P4Conv(width, width, 3, padding=1) for _ in range(depth - 1)])
        self.head = nn.Linear(width, num_classes)

    def features(self, x):
        """The last p4 feature maps ``(N, width, 4, H, W)``."""
        y = torch.relu(self.lift(x))
        for conv in self.convs:
            y = torch.relu(conv(y))
        return y

    def forward(self, x):
        return self.head(self.features(x).amax(dim=(2, 3, 4)))
