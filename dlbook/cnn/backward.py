"""The backward pass of a convolution, derived: both gradients are convolutions again.

For ``y = conv2d(x, w, stride=s, padding=p, dilation=d)`` and an upstream gradient
``g = ∂L/∂y``:

* ``∂L/∂x`` is a *transposed* convolution of ``g``: spread ``g`` out with ``s − 1`` zeros
  between its entries, pad it by ``d(k − 1) − p``, and correlate it with the kernel flipped in
  both spatial axes and with its in/out channels swapped;
* ``∂L/∂w`` is a correlation of ``x`` with ``g``, in which stride and dilation trade places.
"""
from __future__ import annotations

import torch
from torch.nn import functional as F

from ._args import check_input, pair
from .convolution import conv2d


def conv2d_input_grad(grad_output, weight, input_size, stride=1, padding=0, dilation=1, groups=1):
    """∂L/∂x from ``grad_output: (N, C_out, H_out, W_out)`` and ``weight: (C_out, C_in/G, kH, kW)``.

    ``input_size``: ``(H, W)`` of the input (a strided convolution forgets up to ``s − 1`` rows).
    Returns ``(N, C_in, H, W)``.
    """
    check_input(grad_output, "grad_output")
    check_input(weight, "weight")
    (sh, sw), (ph, pw) = pair(stride, "stride"), pair(padding, "padding", minimum=0)
    (dh, dw), (h, w) = pair(dilation, "dilation"), pair(tuple(input_size)[-2:], "input_size")
    n, out_ch, oh, ow = grad_output.shape
    _, cg, kh, kw = weight.shape
    if out_ch != weight.shape[0]:
        raise ValueError(f"grad_output has {out_ch} channels, weight has {weight.shape[0]} output channels")
    # 1. spread: output (i, j) came from input position (i·s, j·s), so put g there, zeros between
    spread = grad_output.new_zeros(n, out_ch, (oh - 1) * sh + 1, (ow - 1) * sw + 1)
    spread[:, :, ::sh, ::sw] = grad_output
    # 2. pad by d(k − 1) − p (negative: crop), plus the rows the stride left over at the end
    top, left = dh * (kh - 1) - ph, dw * (kw - 1) - pw
    bottom = h - (spread.shape[2] + top - dh * (kh - 1))
    right = w - (spread.shape[3] + left - dw * (kw - 1))
    if not (0 <= bottom - top < sh and 0 <= right - left < sw):
        raise ValueError(f"input_size {(h, w)} does not give grad_output's size {(oh, ow)} with these settings")
    spread = F.pad(spread, (left, right, top, bottom))
    # 3. the flipped kernel with in and out channels swapped, group by group: (C_in, C_out/G, kH, kW)
    flipped = weight.flip(-2, -1).reshape(groups, out_ch // groups, cg, kh, kw).transpose(1, 2)
    return conv2d(spread, flipped.reshape(groups * cg, out_ch // groups, kh, kw), dilation=(dh, dw), groups=groups)


def conv2d_weight_grad(input, grad_output, kernel_size, stride=1, padding=0, dilation=1, groups=1):
    """∂L/∂w from ``input: (N, C_in, H, W)`` and ``grad_output: (N, C_out, H_out, W_out)``.

    The input's channels act as a batch and its samples as channels, so that one convolution
    sums over samples and positions; stride and dilation swap roles. Returns ``(C_out, C_in/G, kH, kW)``.
    """
    check_input(input)
    check_input(grad_output, "grad_output")
    kh, kw = pair(kernel_size, "kernel_size")
    s, p, d = pair(stride, "stride"), pair(padding, "padding", minimum=0), pair(dilation, "dilation")
    if input.shape[0] != grad_output.shape[0]:
        raise ValueError(f"input and grad_output differ in batch size: {input.shape[0]} vs {grad_output.shape[0]}")
    cg, og = input.shape[1] // groups, grad_output.shape[1] // groups
    parts = []
    for g in range(groups):
        x = input[:, g * cg:(g + 1) * cg].transpose(0, 1)  # (C_in/G, N, H, W): channels as the batch
        kernel = grad_output[:, g * og:(g + 1) * og].transpose(0, 1)  # (C_out/G, N, H_out, W_out)
        corr = conv2d(x, kernel, padding=p, stride=d, dilation=s)  # (C_in/G, C_out/G, ≥kH, ≥kW)
        parts.append(corr[:, :, :kh, :kw].transpose(0, 1))
    return torch.cat(parts)


def conv2d_bias_grad(grad_output):
    """∂L/∂b: the upstream gradient summed over samples and positions, ``(N, C_out, H, W)`` → ``(C_out,)``."""
    check_input(grad_output, "grad_output")
    return grad_output.sum(dim=(0, 2, 3))
