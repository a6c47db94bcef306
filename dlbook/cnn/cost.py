"""What a layer costs: parameters by closed form, floating-point operations counted by torch."""
from __future__ import annotations

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode


def conv_cost(in_channels: int, out_channels: int, kernel_size: int, out_size: tuple[int, int]) -> dict[str, int]:
    """A k×k convolution producing ``out_size = (H_out, W_out)``, per sample.

    params = C_out·C_in·k² + C_out; FLOPs = 2·C_out·H_out·W_out·C_in·k² (a multiply and an add).
    """
    h, w = out_size
    return dict(params=out_channels * in_channels * kernel_size ** 2 + out_channels,
                flops=2 * out_channels * h * w * in_channels * kernel_size ** 2)


def dense_cost(in_features: int, out_features: int) -> dict[str, int]:
    """A dense layer ``in_features → out_features``, per sample: params = n_in·n_out + n_out, FLOPs = 2·n_in·n_out."""
    return dict(params=in_features * out_features + out_features, flops=2 * in_features * out_features)


def measured_cost(module: nn.Module, x: torch.Tensor) -> dict[str, int]:
    """Parameters of ``module`` and the FLOPs torch's ``FlopCounterMode`` counts for ``module(x)``, per sample."""
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be an nn.Module, got {type(module).__name__}")
    with FlopCounterMode(display=False) as counter:
        module(x)
    return dict(params=sum(p.numel() for p in module.parameters()), flops=counter.get_total_flops() // len(x))
