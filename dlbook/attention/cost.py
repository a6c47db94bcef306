"""What attention costs as the sequence grows: time and activation memory, against a recurrent layer.

Self-attention over ``T`` positions forms a ``T × T`` matrix of weights per head: ``O(T² d)`` time and
``O(T²)`` memory kept for the backward pass. An LSTM does ``T`` steps of ``O(d²)``: linear in ``T``,
but sequential. Memory is counted exactly, as the bytes of the tensors autograd saves for the
backward pass (chapter 2's :func:`dlbook.backprop.saved_bytes`); time is the best of a few runs of forward plus backward.
"""
from __future__ import annotations

import time
from typing import Callable, Sequence

import torch
from torch import nn

from dlbook.backprop import saved_bytes

from ..config import get_device
from .multihead import MultiheadAttention


def _seconds(fn: Callable[[], torch.Tensor], repeats: int, device: torch.device) -> float:
    best = float("inf")
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        start = time.perf_counter()
        fn().sum().backward()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        best = min(best, time.perf_counter() - start)
    return best


def sequence_cost(seq_lens: Sequence[int], embed_dim: int = 32, num_heads: int = 4, batch_size: int = 1,
                  repeats: int = 3, device: torch.device | str | None = None, seed: int = 0) -> dict:
    """Time (s, forward + backward) and saved activation memory (bytes) of causal self-attention and of an
    LSTM of width ``embed_dim`` on inputs ``(batch_size, T, embed_dim)`` for each ``T`` in ``seq_lens``.

    → ``{"seq_lens": [...], "attention": {"time": [...], "memory": [...]}, "lstm": {...}}``.
    """
    seq_lens = list(seq_lens)
    if not seq_lens or any(isinstance(t, bool) or not isinstance(t, int) or t < 1 for t in seq_lens):
        raise ValueError(f"seq_lens must be positive ints, got {seq_lens!r}")
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats must be a positive int, got {repeats!r}")
    device = get_device(device) if not isinstance(device, torch.device) else device
    torch.manual_seed(seed)
    attention = MultiheadAttention(embed_dim, num_heads, batch_first=True).to(device)
    lstm = nn.LSTM(embed_dim, embed_dim, batch_first=True).to(device)
    result = {"seq_lens": seq_lens, "attention": {"time": [], "memory": []}, "lstm": {"time": [], "memory": []}}
    for T in seq_lens:
        x = torch.randn(batch_size, T, embed_dim, device=device, requires_grad=True)
        causal = torch.ones(T, T, dtype=torch.bool, device=device).triu(1)
        models = {"attention": lambda: attention(x, x, x, attn_mask=causal, need_weights=False)[0],
                  "lstm": lambda: lstm(x)[0]}
        for name, fn in models.items():
            result[name]["memory"].append(saved_bytes(fn)[0])
            result[name]["time"].append(_seconds(fn, repeats, device))
    return result
