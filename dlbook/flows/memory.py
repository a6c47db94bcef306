"""Activation memory on a GPU, as the allocator sees it.

The exact count of what autograd saves for backward is chapter 2's :func:`dlbook.backprop.saved_bytes`,
which works on every device; this adds what CUDA's allocator still holds."""
from __future__ import annotations

from typing import Callable, Iterable

import torch


def cuda_held_bytes(fn: Callable[[], torch.Tensor], device: torch.device) -> int:
    """CUDA memory still allocated after ``fn()`` returns (its output and the graph behind it), in bytes."""
    device = torch.device(device)
    if device.type != "cuda":
        raise ValueError(f"cuda_held_bytes needs a CUDA device, got {device}")
    torch.cuda.synchronize(device)
    before = torch.cuda.memory_allocated(device)
    out = fn()
    torch.cuda.synchronize(device)
    held = torch.cuda.memory_allocated(device) - before
    del out
    return held
