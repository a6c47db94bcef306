"""Spectral graph filters: the graph Fourier basis, Chebyshev polynomial filters, and the step to GCN."""
from typing import Callable

import torch

from ._validate import check_features, check_square


def graph_fourier_basis(L: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Eigen-decomposition of a symmetric Laplacian: ``L: (N, N)`` → eigenvalues ``(N,)``, eigenvectors ``(N, N)``.

    Column ``k`` of the eigenvectors is the ``k``-th graph Fourier mode: the higher its eigenvalue
    ``λ_k = u_kᵀ L u_k``, the more it changes across edges.
    """
    check_square(L, "L")
    if L.is_sparse:
        L = L.to_dense()
    if not torch.allclose(L, L.T):
        raise ValueError("L must be symmetric (an undirected graph's Laplacian)")
    return torch.linalg.eigh(L)


def spectral_filter(x: torch.Tensor, L: torch.Tensor, response: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """Filter signals in the Fourier basis: ``U g(Λ) Uᵀ x`` for ``x: (N, F)`` → ``(N, F)``; ``g = response``."""
    check_features(x)
    eigenvalues, U = graph_fourier_basis(L)
    if x.shape[0] != U.shape[0]:
        raise ValueError(f"x has {x.shape[0]} rows but L is {tuple(L.shape)}")
    return U @ (response(eigenvalues)[:, None] * (U.T @ x))


def chebyshev_filter(x: torch.Tensor, L: torch.Tensor, theta: torch.Tensor, lambda_max: float = 2.0) -> torch.Tensor:
    """The Chebyshev filter ``Σ_k θ_k T_k(L̃) x``, ``L̃ = 2L/λ_max − I`` (Defferrard et al.): ``x: (N, F)`` → ``(N, F)``.

    ``theta: (K+1,)`` holds the coefficients, lowest order first.

    Uses the recurrence ``T_0 x = x``, ``T_1 x = L̃ x``, ``T_k x = 2 L̃ T_{k−1} x − T_{k−2} x``: ``K``
    products with ``L`` (dense or sparse), no eigen-decomposition, and a filter that reaches
    exactly the ``K``-hop neighbourhood. ``λ_max = 2`` bounds the normalised Laplacian's spectrum.
    """
    check_features(x)
    check_square(L, "L")
    if x.shape[0] != L.shape[0]:
        raise ValueError(f"x has {x.shape[0]} rows but L is {tuple(L.shape)}")
    if theta.dim() != 1 or theta.numel() == 0:
        raise ValueError(f"theta must be a non-empty 1-D tensor (K+1,), got shape {tuple(theta.shape)}")
    if lambda_max <= 0:
        raise ValueError(f"lambda_max must be positive, got {lambda_max}")

    def scaled(v):  # L̃ v
        Lv = torch.sparse.mm(L, v) if L.is_sparse else L @ v
        return 2.0 / lambda_max * Lv - v

    previous, current = x, scaled(x)
    out = theta[0] * previous + (theta[1] * current if theta.numel() > 1 else 0)
    for k in range(2, theta.numel()):
        previous, current = current, 2 * scaled(current) - previous
        out = out + theta[k] * current
    return out
