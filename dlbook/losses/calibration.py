"""Temperature scaling: one number ``T`` that rescales a trained classifier's logits,
``softmax(z / T)``.

``T`` is fitted on held-out data by minimising the negative log-likelihood (Guo et al.,
2017).
Dividing every logit by the same ``T > 0`` keeps their order, so the predicted classes
(and the
accuracy) do not change; only the confidence does: ``T > 1`` softens over-confident
predictions.
"""
from __future__ import annotations

import torch

from .functional import cross_entropy


def _check_logits(logits, targets) -> None:
    if not isinstance(logits,
                      torch.Tensor) or not logits.is_floating_point() or logits.ndim != 2:
        raise ValueError("logits must be a floating-point (N, K) tensor")
    if (not isinstance(targets, torch.Tensor) or targets.is_floating_point()
            or targets.shape != (len(logits),)):
        raise ValueError(f"targets must be N = {len(logits)} integer class indices, "
                         f"got {getattr(targets, 'shape', type(targets))}")
    if len(logits) == 0 or not torch.isfinite(logits).all():
        raise ValueError("logits must be a non-empty tensor of finite numbers")


def temperature_nll(logits: torch.Tensor, targets: torch.Tensor,
                    temperature) -> torch.Tensor:
    """Mean negative log-likelihood of ``softmax(logits / T)``. ``logits: (N, K)``,
    ``targets: (N,)``."""
    _check_logits(logits, targets)
    return cross_entropy(logits / temperature, targets)


def fit_temperature(logits: torch.Tensor, targets: torch.Tensor, *, low: float = 0.05,
                    high: float = 20.0, iterations: int = 100) -> float:
    """The temperature ``T`` in ``[low, high]`` that minimises the mean NLL of
    ``softmax(logits / T)``.

    ``logits: (N, K)`` of a trained network on validation data, ``targets: (N,)`` class
    indices.
    In the inverse temperature ``β = 1/T`` the NLL, ``mean_n [logsumexp(β z_n) − β
    z_{n,t_n}]``, is
    convex, and its derivative ``mean_n [Σ_k y_nk z_nk − z_{n,t_n}]`` (with ``y =
    softmax(β z)``)
    increases with ``β``; bisection finds its zero. If it has none inside the interval,
    the end
    where the NLL is lower is returned.
    """
    _check_logits(logits, targets)
    if not 0 < low < high:
        raise ValueError(f"need 0 < low < high, got low={low}, high={high}")
    z = logits.detach().double()
    z_target = z.gather(1, targets[:, None].to(z.device).long())[:, 0]       # (N,)

    # d NLL / d β
    def slope(beta: float) -> float:
        y = torch.softmax(beta * z, dim=1)
        return float(((y * z).sum(1) - z_target).mean())

    beta_low, beta_high = 1 / high, 1 / low
    # NLL already rising at the smallest β: the largest T wins
    if slope(beta_low) >= 0:
        return high
    # still falling at the largest β: the smallest T wins
    if slope(beta_high) <= 0:
        return low
    for _ in range(iterations):
        middle = 0.5 * (beta_low + beta_high)
        if slope(middle) < 0:
            beta_low = middle
        else:
            beta_high = middle
    return 2 / (beta_low + beta_high)
