"""The reversible residual network (Gomez et al. 2017): backpropagation without storing activations.

A block splits its input along dimension 1 into halves ``(x₁, x₂)`` and computes
``y₁ = x₁ + F(x₂)``, ``y₂ = x₂ + G(y₁)``. The inverse reads the same equations backwards:
``x₂ = y₂ − G(y₁)``, ``x₁ = y₁ − F(x₂)``. So a stack of blocks need not keep its activations for the
backward pass: :class:`RevNet` saves only the last output and rebuilds each block's input from its
output while it backpropagates.
"""
from __future__ import annotations

from typing import Sequence

import torch
from torch import nn


def _halves(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    if not isinstance(x, torch.Tensor) or x.ndim < 2:
        raise ValueError(f"input must be a tensor (N, C, ...), got {getattr(x, 'shape', type(x).__name__)}")
    if x.shape[1] % 2:
        raise ValueError(f"dimension 1 must have an even size to split into halves, got {x.shape[1]}")
    return x.chunk(2, dim=1)


class RevBlock(nn.Module):
    """``x: (N, C, ...) → y: (N, C, ...)`` with ``y₁ = x₁ + F(x₂)``, ``y₂ = x₂ + G(y₁)`` (halves of dimension 1).

    ``F`` and ``G`` map ``(N, C/2, ...)`` to the same shape. They must be deterministic functions of
    their input (no dropout, no batch statistics), or recomputing them in the backward pass differs.
    """

    def __init__(self, F: nn.Module, G: nn.Module):
        super().__init__()
        if not isinstance(F, nn.Module) or not isinstance(G, nn.Module):
            raise TypeError(f"F and G must be nn.Modules, got {type(F).__name__} and {type(G).__name__}")
        self.F, self.G = F, G

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x1, x2 = _halves(x)
        y1 = x1 + self.F(x2)
        y2 = x2 + self.G(y1)
        return torch.cat([y1, y2], dim=1)

    def inverse(self, y: torch.Tensor) -> torch.Tensor:
        """``y: (N, C, ...) → x``: ``x₂ = y₂ − G(y₁)``, then ``x₁ = y₁ − F(x₂)``."""
        y1, y2 = _halves(y)
        x2 = y2 - self.G(y1)
        x1 = y1 - self.F(x2)
        return torch.cat([x1, x2], dim=1)


class ReversibleFunction(torch.autograd.Function):
    """Runs ``blocks`` without recording a graph and saves only their output; ``backward`` walks the
    blocks in reverse, recomputes each block's input with ``inverse``, re-runs that one block with
    autograd and backpropagates through it. Memory: one block's graph at a time, whatever the depth."""

    @staticmethod
    def forward(ctx, x, blocks, *params):
        ctx.blocks = blocks
        with torch.no_grad():
            for block in blocks:
                x = block(x)
        ctx.save_for_backward(x)
        return x

    @staticmethod
    def backward(ctx, grad_y):
        (y,) = ctx.saved_tensors
        param_grads = []
        for block in reversed(ctx.blocks):
            with torch.no_grad():
                x = block.inverse(y)  # the activation we did not store
            with torch.enable_grad():
                x = x.detach().requires_grad_(True)
                params = [p for p in block.parameters()]
                wanted = [x] + [p for p in params if p.requires_grad]
                grads = iter(torch.autograd.grad(block(x), wanted, grad_y, allow_unused=True))
            grad_y = next(grads)
            param_grads = [next(grads) if p.requires_grad else None for p in params] + param_grads
            y = x.detach()
        return (grad_y, None, *param_grads)


class RevNet(nn.Module):
    """A stack of :class:`RevBlock`: ``x: (N, C, ...) → (N, C, ...)``; ``inverse`` undoes it.

    ``memory_saving=True`` backpropagates through :class:`ReversibleFunction` (activations rebuilt
    from outputs); ``False`` uses ordinary autograd, storing every activation as a ResNet does.
    """

    def __init__(self, blocks: Sequence[RevBlock], memory_saving: bool = True):
        super().__init__()
        blocks = list(blocks)
        if not blocks or not all(isinstance(b, RevBlock) for b in blocks):
            raise TypeError("blocks must be a non-empty sequence of RevBlock")
        self.blocks = nn.ModuleList(blocks)
        self.memory_saving = memory_saving

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _halves(x)
        if self.memory_saving and torch.is_grad_enabled():
            return ReversibleFunction.apply(x, self.blocks, *self.parameters())
        for block in self.blocks:
            x = block(x)
        return x

    def inverse(self, y: torch.Tensor) -> torch.Tensor:
        _halves(y)
        for block in reversed(self.blocks):
            y = block.inverse(y)
        return y


def rev_mlp(features: int, hidden: int, depth: int, *, memory_saving: bool = True) -> RevNet:
    """A :class:`RevNet` of ``depth`` blocks on vectors ``(N, features)``; ``F`` and ``G`` are
    ``features/2 → hidden → features/2`` MLPs with a ReLU."""
    for name, value in (("features", features), ("hidden", hidden), ("depth", depth)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if features % 2:
        raise ValueError(f"features must be even (two halves), got {features}")
    half = features // 2

    def mlp():
        return nn.Sequential(nn.Linear(half, hidden), nn.ReLU(), nn.Linear(hidden, half))

    return RevNet([RevBlock(mlp(), mlp()) for _ in range(depth)], memory_saving=memory_saving)
