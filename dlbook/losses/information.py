"""Entropy and Kullback–Leibler divergence of categorical distributions, the two halves
of cross-entropy.

``H(p, q) = H(p) + KL(p ‖ q)``: the cross-entropy ``−Σ_k p_k ln q_k`` (``cross_entropy``
with a
probability target) is the entropy of the target plus the divergence of the model from it.
All logarithms are natural (nats); ``0 · ln 0`` counts as 0.
"""
from __future__ import annotations

import torch


def _check_probs(p, name: str, dim: int) -> None:
    if not isinstance(p, torch.Tensor) or not p.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor of probabilities")
    if p.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension (the classes)")
    if not torch.isfinite(p).all() or ((p < 0) | (p > 1)).any():
        raise ValueError(f"{name} must hold probabilities in [0, 1]")
    total = p.sum(dim=dim)
    if not torch.allclose(total, torch.ones_like(total), atol=1e-6 * p.shape[dim],
                          rtol=0):
        raise ValueError(f"{name} must sum to 1 along dim={dim}, got sums from "
                         f"{float(total.min()):.6g} to {float(total.max()):.6g}")


def entropy(p: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """``H(p) = −Σ_k p_k ln p_k`` along ``dim``. ``p: (..., K, ...) -> (...)``; ``0 ln 0
    = 0``."""
    _check_probs(p, "p", dim)
    return -torch.special.xlogy(p, p).sum(dim=dim)


def kl_divergence(p: torch.Tensor, q: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """``KL(p ‖ q) = Σ_k p_k ln(p_k / q_k)`` along ``dim``, ≥ 0, and 0 exactly when ``p =
    q``.

    ``p, q: (..., K, ...)`` of the same shape ``-> (...)``. Terms with ``p_k = 0`` count
    0;
    ``p_k > 0`` with ``q_k = 0`` makes the divergence ``+∞``.
    """
    _check_probs(p, "p", dim)
    _check_probs(q, "q", dim)
    if p.shape != q.shape:
        raise ValueError(f"p {tuple(p.shape)} and q {tuple(q.shape)} must have the same "
                         f"shape")
    return (torch.special.xlogy(p, p) - torch.special.xlogy(p, q)).sum(dim=dim)
