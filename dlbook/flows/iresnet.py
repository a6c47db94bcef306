"""Invertibility from a Lipschitz bound: the i-ResNet block (Behrmann et al. 2019).

``y = x + g(x)`` with ``Lip(g) ≤ L < 1`` is invertible, and ``x`` is the fixed point of
``x ↦ y − g(x)``, a contraction with rate ``L`` (Banach): ``‖x_k − x‖ ≤ L^k ‖x_0 − x‖``.
Chapter 7's spectral normalisation makes each linear map 1-Lipschitz; a factor ``coeff < 1`` does the rest.
"""
from __future__ import annotations

import torch
from torch import nn

from ..normalization import spectral_norm
from .layer import check_batch, check_dim


class InvertibleResidualBlock(nn.Module):
    """``x: (N, dim) → y = x + g(x): (N, dim)``, ``g = coeff · W_K ∘ ELU ∘ … ∘ ELU ∘ W_1`` with
    spectrally normalised ``W_k``, so ``Lip(g) ≤ coeff`` (ELU is 1-Lipschitz)."""

    def __init__(self, dim: int, hidden: int = 64, coeff: float = 0.9, layers: int = 2,
                 n_power_iterations: int = 5):
        super().__init__()
        self.dim, hidden, layers = check_dim(dim), check_dim(hidden, "hidden"), check_dim(layers, "layers")
        if not 0 < coeff < 1:
            raise ValueError(f"coeff must lie in (0, 1) for the block to be invertible, got {coeff}")
        self.coeff = coeff
        sizes = [dim] + [hidden] * (layers - 1) + [dim]
        modules = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            modules += [spectral_norm(nn.Linear(a, b), n_power_iterations=n_power_iterations), nn.ELU()]
        self.g = nn.Sequential(*modules[:-1])

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        """``g(x)``: ``(N, dim) → (N, dim)``."""
        return self.coeff * self.g(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return check_batch(x, self.dim) + self.residual(x)

    def lipschitz_bound(self) -> float:
        """``coeff · Π ‖W_k‖₂`` with the exact spectral norms of the normalised weights now in use."""
        bound = self.coeff
        for m in self.g:
            if isinstance(m, nn.Linear):
                bound *= float(torch.linalg.matrix_norm(m.weight.detach(), ord=2))
        return bound

    @torch.no_grad()
    def inverse_iterates(self, y: torch.Tensor, iterations: int = 50) -> torch.Tensor:
        """Fixed-point iterates ``x_0 = y``, ``x_{k+1} = y − g(x_k)``: ``(iterations + 1, N, dim)``."""
        check_batch(y, self.dim, "y")
        if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 0:
            raise ValueError(f"iterations must be a non-negative int, got {iterations!r}")
        xs = [y]
        for _ in range(iterations):
            xs.append(y - self.residual(xs[-1]))
        return torch.stack(xs)

    def inverse(self, y: torch.Tensor, iterations: int = 50) -> torch.Tensor:
        """``x`` with ``x + g(x) ≈ y`` after ``iterations`` fixed-point steps: ``(N, dim) → (N, dim)``."""
        return self.inverse_iterates(y, iterations)[-1]
