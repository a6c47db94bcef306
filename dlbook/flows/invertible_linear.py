"""Invertible linear maps: a fixed permutation and Glow's LU-parametrised learned linear layer."""
from __future__ import annotations

import torch
from torch import nn

from .layer import InvertibleLayer


class Permutation(InvertibleLayer):
    """``y = x[:, permutation]`` with ``log_det = 0``. ``x: (N, dim) → (y: (N, dim), log_det: (N,))``.

    ``permutation``: a ``(dim,)`` permutation of ``0 … dim−1``; by default the features reversed.
    """

    def __init__(self, dim: int, permutation: torch.Tensor | None = None):
        super().__init__(dim)
        if permutation is None:
            permutation = torch.arange(dim - 1, -1, -1)
        permutation = torch.as_tensor(permutation, dtype=torch.int64)
        if permutation.shape != (dim,) or not torch.equal(permutation.sort().values, torch.arange(dim)):
            raise ValueError(f"permutation must be a permutation of 0 … {dim - 1}, got {permutation.tolist()}")
        self.register_buffer("permutation", permutation)
        self.register_buffer("inverse_permutation", permutation.argsort())

    def _forward(self, x):
        return x[:, self.permutation], x.new_zeros(len(x))

    def _inverse(self, y):
        return y[:, self.inverse_permutation]


class InvertibleLinear(InvertibleLayer):
    """Glow's invertible 1×1 convolution on feature vectors, LU-parametrised: ``y = x Wᵀ`` with

    ``W = P L (U + diag(sign ⊙ exp(log_s)))``, ``P`` a fixed permutation, ``L`` unit lower triangular,
    ``U`` strictly upper triangular. Then ``log |det W| = Σ log_s``: O(D) instead of O(D³).
    ``x: (N, dim) → (y: (N, dim), log_det: (N,))``. Starts at a random rotation (seeded by ``seed``).
    """

    def __init__(self, dim: int, seed: int = 0):
        super().__init__(dim)
        gen = torch.Generator().manual_seed(seed)
        Q, _ = torch.linalg.qr(torch.randn(dim, dim, generator=gen, dtype=torch.float64))
        P, L, U = torch.linalg.lu(Q)
        diagonal = torch.diagonal(U)
        self.register_buffer("P", P.float())
        self.register_buffer("sign", torch.sign(diagonal).float())
        self.register_buffer("lower_mask", torch.tril(torch.ones(dim, dim), -1))
        self.lower = nn.Parameter(L.float())
        self.upper = nn.Parameter(torch.triu(U, 1).float())
        self.log_s = nn.Parameter(diagonal.abs().log().float())

    def factors(self) -> tuple[torch.Tensor, torch.Tensor]:
        """``(L, U')``, both ``(dim, dim)``, with ``W = P L U'``."""
        eye = torch.eye(self.dim, dtype=self.lower.dtype, device=self.lower.device)
        L = self.lower * self.lower_mask + eye
        U = self.upper * self.lower_mask.T + torch.diag(self.sign * torch.exp(self.log_s))
        return L, U

    def weight(self) -> torch.Tensor:
        """``W: (dim, dim)``."""
        L, U = self.factors()
        return self.P @ L @ U

    def _forward(self, x):
        return x @ self.weight().T, self.log_s.sum().expand(len(x))

    def _inverse(self, y):
        # W x = y  ⇔  L U' x = Pᵀ y: two triangular solves, no matrix inverse
        L, U = self.factors()
        rhs = (self.P.T @ y.T)
        z = torch.linalg.solve_triangular(L, rhs, upper=False, unitriangular=True)
        return torch.linalg.solve_triangular(U, z, upper=True).T
