"""Max and average pooling from scratch: the same windows as a convolution, reduced by max or mean.

Signatures follow ``torch.nn.functional.max_pool2d`` / ``avg_pool2d`` (``ceil_mode`` and
``return_indices`` are not supported); the modules follow ``nn.MaxPool2d`` / ``nn.AvgPool2d``.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from ._args import check_input, pair
from .convolution import im2col


def _windows(x, kernel_size, stride, padding, dilation, fill):
    """``(N, C, H, W)`` → ``(N, C, kH·kW, H_out, W_out)``: every window's values, padding filled with ``fill``."""
    check_input(x)
    k = pair(kernel_size, "kernel_size")
    s = k if stride is None or stride == () else pair(stride, "stride")
    p, d = pair(padding, "padding", minimum=0), pair(dilation, "dilation")
    if any(pi > ki // 2 for pi, ki in zip(p, k)):
        raise ValueError(f"padding {p} must be at most half the kernel size {k}")
    n, c, h, w = x.shape
    x = F.pad(x, (p[1], p[1], p[0], p[0]), value=fill)
    cols = im2col(x, k, s, 0, d)  # (N, C·kH·kW, L)
    oh = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) // s[0] + 1
    return cols.view(n, c, k[0] * k[1], oh, -1), k, p


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1):
    """The largest value in each window: ``(N, C, H, W)`` → ``(N, C, H_out, W_out)``.

    ``stride`` defaults to ``kernel_size``; padding counts as −∞.
    """
    windows, _, _ = _windows(input, kernel_size, stride, padding, dilation, float("-inf"))
    return windows.amax(dim=2)


def avg_pool2d(input, kernel_size, stride=None, padding=0, count_include_pad=True):
    """The mean of each window: ``(N, C, H, W)`` → ``(N, C, H_out, W_out)``.

    With ``count_include_pad`` the padded zeros count in the mean, as in torch's default.
    """
    windows, k, p = _windows(input, kernel_size, stride, padding, 1, 0.0)
    if count_include_pad or p == (0, 0):
        return windows.mean(dim=2)
    ones = torch.ones_like(input[:1, :1])
    counts, _, _ = _windows(ones, k, stride, p, 1, 0.0)  # how many real pixels each window covers
    return windows.sum(dim=2) / counts.sum(dim=2)


class MaxPool2d(nn.Module):
    """``nn.MaxPool2d`` from scratch (no parameters): ``(N, C, H, W)`` → ``(N, C, H_out, W_out)``."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1):
        super().__init__()
        self.kernel_size, self.stride, self.padding, self.dilation = kernel_size, stride, padding, dilation
        _windows(torch.zeros(1, 1, 64, 64), kernel_size, stride, padding, dilation, 0.0)  # check arguments now

    def forward(self, x):
        return max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation)


class AvgPool2d(nn.Module):
    """``nn.AvgPool2d`` from scratch (no parameters): ``(N, C, H, W)`` → ``(N, C, H_out, W_out)``."""

    def __init__(self, kernel_size, stride=None, padding=0, count_include_pad=True):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.count_include_pad = count_include_pad
        _windows(torch.zeros(1, 1, 64, 64), kernel_size, stride, padding, 1, 0.0)

    def forward(self, x):
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.count_include_pad)
