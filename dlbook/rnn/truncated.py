"""Truncated backpropagation through time: run a long sequence in chunks and ``detach()`` the state between them.

PyTorch builds the graph as the code runs, so cutting it is one call: the state handed to
the next chunk is ``state.detach()``, a tensor with the same values and no history. Each
chunk's backward pass then stops at the chunk's start, memory holds one chunk's
activations instead of the whole sequence's, and the gradient is the full gradient with
every path longer than the window removed (:func:`dlbook.rnn.bptt` with ``truncate``).
"""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn


def detach_state(state):
    """The recurrent state without its history: a tensor, a tuple ``(h, c)``, or ``None``."""
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def truncated_bptt(layer: nn.Module, head: nn.Module, x: torch.Tensor, targets: torch.Tensor, *, chunk: int,
                   loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], state=None):
    """Accumulate into ``.grad`` the truncated-BPTT gradient of the mean per-step loss over ``x``.

    ``layer``: a recurrent layer with ``batch_first=False`` (ours or torch's); ``head`` maps its
    outputs ``(t, B, D·H)`` to predictions; ``x: (T, B, I)``, ``targets: (T, B, …)``. The sequence
    runs in chunks of ``chunk`` steps; each chunk's loss, weighted by its share of ``T``, is
    backpropagated at once and the state is detached before the next. ``chunk ≥ T`` is full BPTT.
    Returns ``(loss, state)``: the mean loss (a float) and the final state, detached, to carry on.
    """
    if x.dim() != 3:
        raise ValueError(f"x must be (T, B, I), got shape {tuple(x.shape)}")
    if targets.shape[:2] != x.shape[:2]:
        raise ValueError(f"targets must start with (T, B) = {tuple(x.shape[:2])}, got {tuple(targets.shape)}")
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise ValueError(f"chunk must be a positive int, got {chunk!r}")
    if getattr(layer, "batch_first", False):
        raise ValueError("truncated_bptt expects a layer with batch_first=False (time first)")
    T, total = len(x), 0.0
    for start in range(0, T, chunk):
        output, state = layer(x[start:start + chunk], state)
        loss = loss_fn(head(output), targets[start:start + chunk]) * (len(output) / T)
        loss.backward()                      # the graph reaches back to `start` and no further
        state = detach_state(state)          # the cut: same values, no history
        total += loss.item()
    return total, state
