"""2-D convolution from scratch, two ways: a sliding window a reader can follow, and im2col + one
matrix product (how fast libraries do it); plus the ``Conv2d`` module with ``nn.Conv2d``'s names.

Both functions have ``torch.nn.functional.conv2d``'s signature and semantics: deep-learning
"convolution" is cross-correlation, ``y[n, o, i, j] = b[o] + Σ_{c, a, b'} w[o, c, a, b']
x[n, g·C/G + c, i·s + a·d − p, j·s + b'·d − p]`` with the input channels of group ``g`` only.
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from ._args import check_input, pair


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """⌊(size + 2p − d(k − 1) − 1)/s⌋ + 1: the output length along one axis."""
    for name, v, low in (("size", size, 1), ("kernel_size", kernel_size, 1), ("stride", stride, 1),
                         ("padding", padding, 0), ("dilation", dilation, 1)):
        if isinstance(v, bool) or not isinstance(v, int) or v < low:
            raise ValueError(f"{name} must be an int >= {low}, got {v!r}")
    span = dilation * (kernel_size - 1) + 1  # the kernel's footprint on the input
    if size + 2 * padding < span:
        raise ValueError(f"the kernel spans {span} pixels, more than the padded input's {size + 2 * padding}")
    return (size + 2 * padding - span) // stride + 1


def _arguments(x, weight, bias, stride, padding, dilation, groups):
    """Check everything once; return the padded input and the pairs (s, d) with the output size."""
    check_input(x)
    check_input(weight, "weight")
    stride, dilation = pair(stride, "stride"), pair(dilation, "dilation")
    if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
        raise ValueError(f"groups must be a positive int, got {groups!r}")
    out_ch, in_per_group, kh, kw = weight.shape
    if x.shape[1] != in_per_group * groups:
        raise ValueError(f"input has {x.shape[1]} channels, weight {tuple(weight.shape)} with groups={groups} "
                         f"expects {in_per_group * groups}")
    if out_ch % groups:
        raise ValueError(f"out channels ({out_ch}) must be divisible by groups ({groups})")
    if bias is not None and tuple(bias.shape) != (out_ch,):
        raise ValueError(f"bias must have shape ({out_ch},), got {tuple(bias.shape)}")
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"padding must be an int, a pair, 'valid' or 'same', got {padding!r}")
        if padding == "same" and stride != (1, 1):
            raise ValueError("padding='same' needs stride 1")
        total = [d * (k - 1) if padding == "same" else 0 for d, k in zip(dilation, (kh, kw))]
        # odd totals put the extra zero at the end, as torch does
        x = F.pad(x, (total[1] // 2, total[1] - total[1] // 2, total[0] // 2, total[0] - total[0] // 2))
        padding = (0, 0)
    else:
        padding = pair(padding, "padding", minimum=0)
        x = F.pad(x, (padding[1], padding[1], padding[0], padding[0]))
    out = [conv_output_size(n, k, s, 0, d) for n, k, s, d in zip(x.shape[2:], (kh, kw), stride, dilation)]
    return x, stride, dilation, out


def conv2d_direct(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Convolution as a sliding window: one dot product per output position.

    ``input: (N, C_in, H, W)``, ``weight: (C_out, C_in/groups, kH, kW)``, ``bias: (C_out,)`` →
    ``(N, C_out, H_out, W_out)``. Slow (a Python loop over positions) but literal.
    """
    x, (sh, sw), (dh, dw), (oh, ow) = _arguments(input, weight, bias, stride, padding, dilation, groups)
    out_ch, cg, kh, kw = weight.shape
    og = out_ch // groups
    y = x.new_zeros(x.shape[0], out_ch, oh, ow)
    for i in range(oh):
        for j in range(ow):
            # the window under output (i, j): rows i·s, i·s + d, …; (N, C_in, kH, kW)
            window = x[:, :, i * sh: i * sh + dh * (kh - 1) + 1: dh, j * sw: j * sw + dw * (kw - 1) + 1: dw]
            for g in range(groups):
                patch = window[:, g * cg:(g + 1) * cg]  # this group's input channels
                kernels = weight[g * og:(g + 1) * og]  # this group's output channels
                y[:, g * og:(g + 1) * og, i, j] = torch.einsum("nckl,ockl->no", patch, kernels)
    return y if bias is None else y + bias.view(1, -1, 1, 1)


def im2col(input, kernel_size, stride=1, padding=0, dilation=1):
    """Unfold every window into a column: ``(N, C, H, W)`` → ``(N, C·kH·kW, L)``, L = H_out·W_out.

    The same as ``torch.nn.functional.unfold``; built from index arithmetic.
    """
    check_input(input)
    (kh, kw), (sh, sw) = pair(kernel_size, "kernel_size"), pair(stride, "stride")
    (ph, pw), (dh, dw) = pair(padding, "padding", minimum=0), pair(dilation, "dilation")
    x = F.pad(input, (pw, pw, ph, ph))
    n, c, hp, wp = x.shape
    oh, ow = conv_output_size(hp, kh, sh, 0, dh), conv_output_size(wp, kw, sw, 0, dw)
    # row of window element a at output row i: i·s + a·d; likewise for columns
    rows = (torch.arange(kh) * dh).view(kh, 1, 1, 1) + (torch.arange(oh) * sh).view(1, 1, oh, 1)
    cols = (torch.arange(kw) * dw).view(1, kw, 1, 1) + (torch.arange(ow) * sw).view(1, 1, 1, ow)
    patches = x[:, :, rows.to(x.device), cols.to(x.device)]  # (N, C, kH, kW, H_out, W_out)
    return patches.reshape(n, c * kh * kw, oh * ow)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Convolution as im2col + matrix product, with ``torch.nn.functional.conv2d``'s signature.

    ``input: (N, C_in, H, W)``, ``weight: (C_out, C_in/groups, kH, kW)``, ``bias: (C_out,)`` →
    ``(N, C_out, H_out, W_out)``; ``padding`` may be an int, a pair, ``'valid'`` or ``'same'``.
    """
    x, stride, dilation, (oh, ow) = _arguments(input, weight, bias, stride, padding, dilation, groups)
    out_ch, cg, kh, kw = weight.shape
    cols = im2col(x, (kh, kw), stride, 0, dilation)  # (N, C_in·kH·kW, L)
    cols = cols.view(x.shape[0], groups, cg * kh * kw, oh * ow)  # channels of a group are contiguous
    w = weight.reshape(groups, out_ch // groups, cg * kh * kw)  # (G, C_out/G, C_in/G·kH·kW)
    y = torch.einsum("gok,ngkl->ngol", w, cols)  # one matrix product per group
    y = y.reshape(x.shape[0], out_ch, oh, ow)
    return y if bias is None else y + bias.view(1, -1, 1, 1)


class Conv2d(nn.Module):
    """``nn.Conv2d`` from scratch: same constructor, initialisation, ``weight`` and ``bias``.

    ``weight: (out_channels, in_channels/groups, kH, kW)``; ``(N, C_in, H, W)`` → ``(N, C_out, H_out, W_out)``.
    ``padding_mode`` ``'zeros'``, ``'circular'``, ``'reflect'`` or ``'replicate'`` pads before :func:`conv2d`.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias=True, padding_mode="zeros", device=None, dtype=None):
        super().__init__()
        for name, v in (("in_channels", in_channels), ("out_channels", out_channels), ("groups", groups)):
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be a positive int, got {v!r}")
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"in_channels ({in_channels}) and out_channels ({out_channels}) must be divisible "
                             f"by groups ({groups})")
        if padding_mode not in ("zeros", "circular", "reflect", "replicate"):
            raise ValueError(f"padding_mode must be 'zeros', 'circular', 'reflect' or 'replicate', got {padding_mode!r}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size, self.stride = pair(kernel_size, "kernel_size"), pair(stride, "stride")
        self.dilation, self.padding_mode = pair(dilation, "dilation"), padding_mode
        self.padding = padding if isinstance(padding, str) else pair(padding, "padding", minimum=0)
        if isinstance(padding, str) and padding_mode != "zeros":
            raise ValueError("string padding works with padding_mode='zeros' only")
        kw = dict(device=device, dtype=dtype)
        self.weight = nn.Parameter(torch.empty(out_channels, in_channels // groups, *self.kernel_size, **kw))
        self.bias = nn.Parameter(torch.empty(out_channels, **kw)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """torch's default: weight ~ U(±1/√fan_in) (Kaiming uniform, a = √5), bias ~ U(±1/√fan_in)."""
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.weight[0].numel())
            nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        if self.padding_mode == "zeros":
            return conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)
        ph, pw = self.padding
        x = F.pad(x, (pw, pw, ph, ph), mode=self.padding_mode)
        return conv2d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)

    def extra_repr(self) -> str:
        return (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, groups={self.groups}, "
                f"bias={self.bias is not None}, padding_mode={self.padding_mode!r}")
