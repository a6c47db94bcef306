"""A normalising flow: invertible layers chained onto a standard normal base distribution.

With ``z = f(x) = f_K ∘ … ∘ f_1 (x)``, the change of variables gives
``log p(x) = log N(z; 0, I) + Σ_k log |det ∂f_k/∂h_{k−1}|``: log-determinants add along the chain.
"""
from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import nn

from .layer import check_batch


def standard_normal_log_prob(z: torch.Tensor) -> torch.Tensor:
    """``log N(z; 0, I) = −½‖z‖² − (D/2) log 2π``. ``z: (N, D) → (N,)``."""
    if not isinstance(z, torch.Tensor) or z.ndim != 2:
        raise ValueError(f"z must be a tensor of shape (N, D), got {getattr(z, 'shape', type(z).__name__)}")
    return -0.5 * (z ** 2).sum(dim=1) - 0.5 * z.shape[1] * math.log(2 * math.pi)


class Flow(nn.Module):
    """``layers`` applied in order map data ``x: (N, dim)`` to latents ``z: (N, dim)``.

    ``forward(x) → (z, log_det: (N,))``, ``inverse(z) → x``, ``log_prob(x) → (N,)``,
    ``sample(n) → (n, dim)``; every layer must keep the contract of
    :class:`dlbook.flows.InvertibleLayer` (``forward`` returning ``(y, log_det)`` and an ``inverse``).
    """

    def __init__(self, layers: Sequence[nn.Module]):
        super().__init__()
        layers = list(layers)
        if not layers:
            raise ValueError("a Flow needs at least one layer")
        for i, layer in enumerate(layers):
            if not isinstance(layer, nn.Module) or not callable(getattr(layer, "inverse", None)):
                raise TypeError(f"layer {i} ({type(layer).__name__}) is not an invertible nn.Module with .inverse")
        dims = {getattr(layer, "dim", None) for layer in layers}
        if len(dims) != 1 or None in dims:
            raise ValueError(f"all layers must have the same .dim, got {sorted(map(str, dims))}")
        self.dim = dims.pop()
        self.layers = nn.ModuleList(layers)
        self.register_buffer("_origin", torch.zeros(()))  # tells sample() the device and dtype

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        check_batch(x, self.dim)
        log_det = x.new_zeros(len(x))
        for layer in self.layers:
            x, ld = layer(x)
            log_det = log_det + ld  # log-dets of a composition add
        return x, log_det

    def inverse(self, z: torch.Tensor) -> torch.Tensor:
        check_batch(z, self.dim, "z")
        for layer in reversed(self.layers):
            z = layer.inverse(z)
        return z

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        """``log p(x) = log N(f(x); 0, I) + log |det ∂f/∂x|``. ``x: (N, dim) → (N,)``."""
        z, log_det = self(x)
        return standard_normal_log_prob(z) + log_det

    @torch.no_grad()
    def sample(self, n: int, *, temperature: float = 1.0, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` samples ``x = f⁻¹(T·ε)``, ``ε ~ N(0, I)``: ``(n, dim)``. ``temperature`` ``T`` > 0 shrinks
        (``T < 1``) or widens the base distribution. ``generator``: a CPU generator for reproducibility."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n must be a positive int, got {n!r}")
        if not (isinstance(temperature, (int, float)) and temperature > 0 and math.isfinite(temperature)):
            raise ValueError(f"temperature must be a positive finite number, got {temperature!r}")
        eps = torch.randn(n, self.dim, generator=generator, dtype=self._origin.dtype)
        return self.inverse(temperature * eps.to(self._origin.device))

    @torch.no_grad()
    def trajectory(self, x: torch.Tensor) -> list[torch.Tensor]:
        """``[x, f_1(x), f_2(f_1(x)), …, z]``: ``len(layers) + 1`` tensors ``(N, dim)``, on the CPU."""
        check_batch(x, self.dim)
        steps = [x.detach().cpu()]
        for layer in self.layers:
            x, _ = layer(x)
            steps.append(x.detach().cpu())
        return steps
