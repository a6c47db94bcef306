"""Ring all-reduce from point-to-point messages: a reduce-scatter, then an all-gather.

The N ranks sit on a ring; the tensor is cut into N chunks. In each of N − 1
reduce-scatter steps every rank passes one chunk to its right neighbour and adds
the chunk arriving from its left one, so after them rank r holds the full sum of
chunk r + 1. In N − 1 all-gather steps the finished chunks travel once round the
ring. Every rank sends 2(N − 1) chunks of S/N elements, whatever N.
"""
from __future__ import annotations

import torch
import torch.distributed as dist

from .launcher import worker_device


def _exchange(send: torch.Tensor, receive: torch.Tensor, right: int, left: int, group) -> None:
    """Send ``send`` to ``right`` while receiving ``receive`` from ``left`` (no rank waits on its own send).

    A chunk can be empty (fewer elements than ranks); it is empty on every rank, so both ends skip it."""
    request = dist.isend(send.contiguous(), right, group=group) if send.numel() else None
    if receive.numel():
        dist.recv(receive, left, group=group)
    if request is not None:
        request.wait()


def ring_all_reduce(tensor: torch.Tensor, group=None) -> int:
    """Sum ``tensor`` over the ranks of ``group``, in place, like ``dist.all_reduce(tensor)``.

    ``tensor``: any shape, contiguous, the same shape and dtype on every rank. Returns the number of
    bytes this rank sent: ``2 (N − 1)/N · S`` for a tensor of ``S`` bytes split evenly.
    """
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"tensor must be a torch.Tensor, got {type(tensor).__name__}")
    if not tensor.is_contiguous():
        raise ValueError("tensor must be contiguous (the result is written into its memory)")
    if not dist.is_initialized():
        raise RuntimeError("ring_all_reduce runs inside a process group: call it in a launched worker")
    n, me = dist.get_world_size(group), dist.get_rank(group)
    if n == 1:
        return 0
    ranks = [dist.get_global_rank(group, r) if group is not None else r for r in range(n)]
    right, left = ranks[(me + 1) % n], ranks[(me - 1) % n]
    chunks = list(torch.tensor_split(tensor.view(-1), n))  # views: writing them writes the tensor
    sent = 0
    # reduce-scatter: at step s, pass on chunk (me − s), add into chunk (me − s − 1)
    for s in range(n - 1):
        outgoing, incoming = chunks[(me - s) % n], chunks[(me - s - 1) % n]
        buffer = torch.empty_like(incoming)
        _exchange(outgoing, buffer, right, left, group)
        incoming += buffer
        sent += outgoing.numel() * outgoing.element_size()
    # all-gather: rank me now owns the sum in chunk (me + 1); pass finished chunks round the ring
    for s in range(n - 1):
        outgoing, incoming = chunks[(me + 1 - s) % n], chunks[(me - s) % n]
        buffer = torch.empty_like(incoming)
        _exchange(outgoing, buffer, right, left, group)
        incoming.copy_(buffer)
        sent += outgoing.numel() * outgoing.element_size()
    return sent


def ring_all_reduce_worker(rank: int, world_size: int, sizes: tuple[int, ...] = (1, 7, 1000, 3 * 2**16),
                           seed: int = 0) -> list[dict]:
    """Worker: for each size, a random float64 vector per rank, reduced by the ring and by ``dist.all_reduce``.

    Returns one dict per size: ``{"size", "max_error", "bytes_sent"}`` (size in elements).
    """
    out, device = [], worker_device()
    for size in sizes:
        g = torch.Generator().manual_seed(seed + 1000 * rank + size)
        x = torch.randn(size, dtype=torch.float64, generator=g).to(device)
        reference = x.clone()
        dist.all_reduce(reference)
        sent = ring_all_reduce(x)
        out.append({"size": size, "max_error": float((x - reference).abs().max()), "bytes_sent": sent})
    return out
