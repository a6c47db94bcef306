"""References for checking a layer's log-determinant: the full Jacobian by autograd, and a way to move a
freshly built layer (often the identity) to a generic point of its parameter space."""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn


def autograd_log_det(layer: Callable[[torch.Tensor], tuple], x: torch.Tensor) -> torch.Tensor:
    """``log |det ∂y/∂x|`` of each row by ``torch.linalg.slogdet`` of the autograd Jacobian.

    ``layer(x: (N, D)) → (y: (N, D), …)``; ``x: (N, D) → (N,)``. O(D³) per row: a reference, not a method.
    """
    if not callable(layer):
        raise TypeError(f"layer must be callable, got {type(layer).__name__}")
    if not isinstance(x, torch.Tensor) or x.ndim != 2:
        raise ValueError(f"x must be a tensor of shape (N, D), got {getattr(x, 'shape', type(x).__name__)}")
    rows = []
    for row in x:
        J = torch.autograd.functional.jacobian(lambda v: layer(v[None])[0][0], row)
        rows.append(torch.linalg.slogdet(J)[1])
    return torch.stack(rows)


@torch.no_grad()
def randomize_parameters_(module: nn.Module, std: float = 0.5, seed: int = 0) -> nn.Module:
    """Overwrite every parameter of ``module`` with ``N(0, std²)`` draws (reproducible from ``seed``); returns it.

    Fresh couplings are the identity (their last layer is zero), which would make any log-det check trivial.
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be an nn.Module, got {type(module).__name__}")
    if not std > 0:
        raise ValueError(f"std must be positive, got {std}")
    gen = torch.Generator().manual_seed(seed)
    for p in module.parameters():
        p.copy_(torch.randn(p.shape, generator=gen, dtype=p.dtype).to(p.device) * std)
    return module
