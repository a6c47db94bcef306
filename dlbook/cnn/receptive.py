"""The receptive field of a stack of convolutions and poolings: by formula, and read off the gradient."""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn


def receptive_field(layers: Sequence[tuple[int, int, int]]) -> int:
    """r = 1 + Σ_l d_l (k_l − 1) Π_{i<l} s_i for layers given as ``(kernel, stride, dilation)``.

    Each layer widens the field by its kernel's extra footprint ``d(k − 1)``, measured in input
    pixels: one step on layer ``l``'s input is ``Π_{i<l} s_i`` input pixels.
    """
    r, jump = 1, 1
    for i, layer in enumerate(layers):
        if len(layer) != 3 or any(isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in layer):
            raise ValueError(f"layer {i} must be (kernel, stride, dilation) of positive ints, got {layer!r}")
        k, s, d = layer
        r += d * (k - 1) * jump
        jump *= s
    return r


def layer_geometry(model: nn.Sequential) -> list[tuple[int, int, int]]:
    """``(kernel, stride, dilation)`` along the height of every convolution and pooling in ``model``."""
    found = []
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)) or type(m).__name__ in (
                "Conv2d", "MaxPool2d", "AvgPool2d"):
            k, s = m.kernel_size, m.stride if m.stride not in (None, ()) else m.kernel_size
            d = getattr(m, "dilation", 1)
            first = lambda v: v[0] if isinstance(v, tuple) else v  # noqa: E731
            found.append((first(k), first(s), first(d)))
    return found


def receptive_field_by_gradient(model: nn.Module, input_size: tuple[int, int], channels: int = 1) -> torch.Tensor:
    """The input pixels on which the centre output depends: non-zero entries of ∂y_centre/∂x.

    Returns a boolean ``(H, W)`` mask. Use positive weights and no max pooling or ReLU, so that no
    contribution cancels or is switched off (the mask would then be smaller than the field).
    """
    if len(input_size) != 2:
        raise ValueError(f"input_size must be (H, W), got {input_size!r}")
    param = next(model.parameters(), None)
    dtype = param.dtype if param is not None else torch.float64
    x = torch.rand(1, channels, *input_size, dtype=dtype, requires_grad=True)
    y = model(x)
    centre = y[0, :, y.shape[2] // 2, y.shape[3] // 2].sum()
    (grad,) = torch.autograd.grad(centre, x)
    return grad[0].abs().sum(0) > 0


def extent(mask: torch.Tensor) -> tuple[int, int]:
    """Height and width of the bounding box of a boolean ``(H, W)`` mask."""
    rows, cols = torch.nonzero(mask.any(1))[:, 0], torch.nonzero(mask.any(0))[:, 0]
    if len(rows) == 0:
        raise ValueError("the mask is empty")
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)
