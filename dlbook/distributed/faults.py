"""A worker that fails on purpose, to show (and test) that a failure never hangs the launcher."""
from __future__ import annotations

import os
import time

import torch
import torch.distributed as dist

from .launcher import worker_device

MODES = ("raise", "exit", "hang")


def faulty_worker(rank: int, world_size: int, fail_rank: int, mode: str) -> float:
    """Rank ``fail_rank`` fails (``mode``: ``"raise"`` an exception, ``"exit"`` the process with code 3, or
    ``"hang"`` forever); every other rank enters an all-reduce that therefore never completes.

    Returns the all-reduced value when nothing fails (``fail_rank`` outside ``[0, world_size)``).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if rank == fail_rank:
        if mode == "raise":
            raise ArithmeticError(f"rank {rank} failed on purpose")
        if mode == "exit":
            os._exit(3)
        while True:
            time.sleep(1.0)
    x = torch.ones(1, device=worker_device())
    dist.all_reduce(x)  # waits for every rank, the failed one included
    return float(x)
