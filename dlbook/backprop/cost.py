"""What a gradient costs, counted rather than timed: matrix-product flops and backward
passes."""

from __future__ import annotations

from typing import Callable

import torch
from torch.utils.flop_counter import FlopCounterMode


def matmul_flops(fn: Callable[[], object]) -> int:
    """Floating-point operations in the matrix products that ``fn()`` runs (2 per
    multiply–add), counted by torch's ``FlopCounterMode`` — an operation count,
    independent of the machine and of its load.
    """
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops()


class BackwardCounter:
    """Wraps ``f: (n,) → (m,)`` and counts the backward passes that reach its output:
    ``counter.passes``."""

    def __init__(self, f: Callable[[torch.Tensor], torch.Tensor]):
        self.f, self.passes = f, 0

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        y = self.f(x)
        if y.requires_grad:
            y.register_hook(self._count)  # runs once per backward pass through y
        return y

    def _count(self, grad: torch.Tensor) -> None:
        self.passes += 1
