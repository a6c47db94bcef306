"""The other half of a gradient's cost: the activations kept for the backward pass, and
gradient checkpointing, which trades them for recomputation.

Memory is *counted*, not read off the allocator: a ``saved_tensors_hooks`` pair sees every
tensor autograd stores for backward, so the count is exact and the same on every machine.
"""

from __future__ import annotations

from typing import Callable, Iterable

import torch
from torch import nn
from torch.utils.checkpoint import checkpoint_sequential


def saved_bytes(
    fn: Callable[[], object], exclude: Iterable[torch.Tensor] = ()
) -> tuple[int, object]:
    """Run ``fn()`` and return ``(bytes, fn())``: the bytes autograd saves for the
    backward pass.

    Each storage is counted once (``tanh`` saves its output aˡ, and the next ``Linear``
    saves the same aˡ as its input). Tensors sharing storage with ``exclude`` — pass the
    parameters, which are in memory anyway — are left out, so what remains is activation
    memory.
    """
    skip = {t.untyped_storage().data_ptr() for t in exclude}
    seen: dict[int, int] = {}

    def pack(t: torch.Tensor) -> torch.Tensor:
        storage = t.untyped_storage()
        if storage.data_ptr() not in skip:
            seen[storage.data_ptr()] = storage.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = fn()
    return sum(seen.values()), out


def blocks_of(model: nn.Sequential) -> nn.Sequential:
    """Regroup an MLP ``Linear, h, Linear, h, …, Linear`` into layers: ``(Linear, h)``
    blocks and the output ``Linear``, so that checkpoint segments start and end at
    activations aˡ.

    The blocks share the model's modules (and parameters); nothing is copied.
    """
    modules = list(model)
    if not modules or not isinstance(modules[-1], nn.Linear) or len(modules) % 2 != 1:
        raise ValueError(
            "blocks_of expects an nn.Sequential MLP: Linear, activation, …, Linear"
        )
    blocks = [
        nn.Sequential(modules[i], modules[i + 1]) for i in range(0, len(modules) - 1, 2)
    ]
    if not all(isinstance(block[0], nn.Linear) for block in blocks):
        raise ValueError(
            "blocks_of expects Linear layers at the even positions of the MLP"
        )
    return nn.Sequential(*blocks, modules[-1])


def checkpointed(blocks: nn.Sequential, x: torch.Tensor, segments: int) -> torch.Tensor:
    """``blocks(x)`` with gradient checkpointing in ``segments`` pieces
    (``torch.utils.checkpoint``).

    With n blocks and s = n // segments, the first ``segments − 1`` pieces of s blocks
    keep only their input and are recomputed during backward; the last piece (the rest)
    runs normally. ``segments = 1`` is plain backprop. x: (B, d₀) → (B, d_L).
    """
    if not 1 <= segments <= len(blocks):
        raise ValueError(
            f"segments must be between 1 and the number of blocks ({len(blocks)}), "
            f"got {segments}"
        )
    if segments == 1:
        return blocks(x)
    return checkpoint_sequential(blocks, segments, x, use_reentrant=False)


def checkpoint_activations(hidden_layers: int, segments: int) -> int:
    """How many activations (each B × d) a width-d MLP with ``hidden_layers`` hidden
    layers keeps for backward when checkpointed in ``segments`` pieces: k + H − (k − 1)s,
    with s = (H + 1) // k.

    The k − 1 checkpointed pieces keep their inputs (k − 1 of them); the last piece keeps
    its input and the outputs aˡ of its H − (k − 1)s hidden layers. For k = 1 this is H +
    1: x and a¹ … aᴴ.
    """
    n_blocks = hidden_layers + 1
    if hidden_layers < 0 or not 1 <= segments <= n_blocks:
        raise ValueError(
            f"need hidden_layers ≥ 0 and 1 ≤ segments ≤ {n_blocks}, "
            f"got {hidden_layers} and {segments}"
        )
    size = n_blocks // segments
    return segments + hidden_layers - (segments - 1) * size


def recomputed_layers(hidden_layers: int, segments: int) -> int:
    """How many layers' forward pass checkpointing runs a second time, during backward:
    the (k − 1)s layers of the checkpointed pieces, s = (H + 1) // k."""
    checkpoint_activations(hidden_layers, segments)  # validates the arguments
    return (segments - 1) * ((hidden_layers + 1) // segments)
