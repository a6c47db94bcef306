"""The Gumbel-softmax (Concrete) relaxation of a categorical sample, and its straight-through variant."""
from __future__ import annotations

import math

import torch

from ._checks import dimension, floating_tensor, temperature
from .gumbel import sample_gumbel


def gumbel_softmax(logits: torch.Tensor, tau: float = 1.0, hard: bool = False, dim: int = -1, *,
                   generator: torch.Generator | None = None) -> torch.Tensor:
    """A relaxed one-hot sample ``y = softmax((logits + G) / tau)``, ``G`` i.i.d. Gumbel(0, 1).

    ``logits``: ``(..., K, ...)`` with the classes along ``dim`` ``→`` the same shape. With ``hard=True`` the
    forward value is the one-hot ``argmax`` of ``y`` while the gradient is that of the soft ``y``
    (straight-through), as in ``torch.nn.functional.gumbel_softmax``. ``tau`` must be ``> 0``.
    """
    floating_tensor(logits, "logits", min_ndim=1)
    tau = temperature(tau)
    dim = dimension(dim, logits)
    if not isinstance(hard, bool):
        raise TypeError(f"hard must be a bool, got {type(hard).__name__}")
    g = sample_gumbel(logits.shape, generator=generator, device=logits.device, dtype=logits.dtype)
    y_soft = torch.softmax((logits + g) / tau, dim)
    if not hard:
        return y_soft
    return straight_through(y_soft, dim)


def straight_through(y_soft: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """One-hot ``argmax`` of ``y_soft`` in the forward pass, identity gradient to ``y_soft`` in the backward pass.

    ``y_soft``: ``(..., K, ...)`` ``→`` the same shape; the value is ``one_hot + y_soft − y_soft.detach()``.
    """
    floating_tensor(y_soft, "y_soft", min_ndim=1)
    dim = dimension(dim, y_soft, "y_soft")
    index = y_soft.argmax(dim, keepdim=True)
    y_hard = torch.zeros_like(y_soft).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft


def concrete_log_prob(y: torch.Tensor, logits: torch.Tensor, tau: float) -> torch.Tensor:
    """Log-density of the Concrete (Gumbel-softmax) distribution on the simplex (Maddison et al., 2017).

    With ``K`` classes, ``log p(y) = log (K−1)! + (K−1) log tau + Σ_k (logits_k − (tau+1) log y_k)
    − K log Σ_k exp(logits_k − tau log y_k)``, a density with respect to Lebesgue measure on the first ``K−1``
    coordinates. ``y``: ``(..., K)`` points inside the simplex, ``logits``: broadcastable to ``(..., K)``
    ``→`` ``(...)``.
    """
    floating_tensor(y, "y", min_ndim=1)
    floating_tensor(logits, "logits", min_ndim=1)
    tau = temperature(tau)
    if y.shape[-1] != logits.shape[-1]:
        raise ValueError(f"y has {y.shape[-1]} classes but logits has {logits.shape[-1]}")
    if ((y <= 0) | (y >= 1)).any() or not torch.allclose(y.sum(-1), torch.ones((), dtype=y.dtype), atol=1e-5):
        raise ValueError("y must lie strictly inside the simplex (entries in (0, 1) summing to one)")
    k = y.shape[-1]
    log_y = y.log()
    return (math.lgamma(k) + (k - 1) * math.log(tau) + (logits - (tau + 1) * log_y).sum(-1)
            - k * torch.logsumexp(logits - tau * log_y, -1))
