"""Mixture density networks (Bishop, 1994): a network whose outputs parametrise a whole
density p(t | x).

For each input the network emits 3K numbers: mixing logits ``z^π``, means ``μ``
and log standard deviations ``z^σ`` of K Gaussian components,

    p(t | x) = Σ_k π_k(x) N(t | μ_k(x), σ_k(x)²),   π = softmax(z^π),  σ = exp(z^σ),

and is trained by minimising the negative log of that mixture, computed with
log-sum-exp. Targets are one-dimensional, as in Bishop's inverse problem
(``dlbook.data.inverse_problem``).
"""
from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import nn

from .functional import log_softmax, logsumexp, reduce_loss
from ..perceptron_mlp import MLP


class MDN(nn.Module):
    """An MLP with ``3 · n_components`` outputs: ``x: (N, in_features) → (N, 3K)`` raw
    outputs (no activation on the last layer).

    Split them with :func:`split_output` into ``(logits, mu, sigma)``, each ``(N, K)``;
    train with :func:`mdn_loss` (it takes the raw output, so it plugs into
    ``dlbook.fit``).
    """

    def __init__(self, in_features: int, hidden: Sequence[int], n_components: int,
                 activation: str = "tanh"):
        super().__init__()
        if not isinstance(n_components, int) or n_components < 1:
            raise ValueError(f"n_components must be a positive int, got {n_components!r}")
        self.n_components = n_components
        self.net = MLP(in_features, hidden, 3 * n_components, activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


def split_output(output: torch.Tensor):
    """``(N, 3K)`` raw outputs → mixing ``logits``, means ``mu`` and ``sigma = exp(z^σ)``,
    each ``(N, K)``."""
    if output.ndim != 2 or output.shape[1] % 3 or output.shape[1] == 0:
        raise ValueError("an MDN output must be (N, 3K), got shape "
                         f"{tuple(output.shape)}")
    logits, mu, log_sigma = output.chunk(3, dim=1)
    return logits, mu, log_sigma.exp()


def _check_mixture(logits, mu, sigma) -> None:
    for name, value in (("logits", logits), ("mu", mu), ("sigma", sigma)):
        if not isinstance(value, torch.Tensor) or not value.is_floating_point():
            raise TypeError(f"{name} must be a floating-point tensor")
    if logits.ndim != 2 or mu.shape != logits.shape or sigma.shape != logits.shape:
        raise ValueError(f"logits, mu and sigma must all be (N, K), got "
                         f"{tuple(logits.shape)}, "
                         f"{tuple(mu.shape)} and {tuple(sigma.shape)}")
    if not (sigma > 0).all():
        raise ValueError(f"sigma must be positive (standard deviations), got a minimum "
                         f"of {float(sigma.min()):.3g}; "
                         "an MDN keeps σ positive by outputting log σ")


def log_prob(logits: torch.Tensor, mu: torch.Tensor, sigma: torch.Tensor,
             t: torch.Tensor) -> torch.Tensor:
    """``log Σ_k π_k N(t | μ_k, σ_k²)`` with ``π = softmax(logits)``, computed with
    log-sum-exp.

    ``logits, mu, sigma: (N, K)``; ``t: (N,)`` gives ``(N,)``, and ``t: (N, M)`` (M values
    of t per input, e.g. a grid) gives ``(N, M)``.
    """
    _check_mixture(logits, mu, sigma)
    n = logits.shape[0]
    if not isinstance(t, torch.Tensor) or not t.is_floating_point():
        raise TypeError(f"t must be a floating-point tensor, got "
                        f"{getattr(t, 'dtype', type(t).__name__)}")
    if t.ndim not in (1, 2) or t.shape[0] != n:
        raise ValueError(f"t must be (N,) or (N, M) with N = {n}, got shape "
                         f"{tuple(t.shape)}")
    log_pi = log_softmax(logits, dim=1)
    if t.ndim == 2:   # broadcast (N, M, 1) values against (N, 1, K) components
        t = t[:, :, None]
        log_pi, mu, sigma = log_pi[:, None, :], mu[:, None, :], sigma[:, None, :]
    else:             # (N, 1) against (N, K)
        t = t[:, None]
    # log N(t | μ, σ²) = −½ ((t − μ)/σ)² − log σ − ½ log 2π
    log_normal = (-0.5 * ((t - mu) / sigma) ** 2 - sigma.log()
                  - 0.5 * math.log(2 * math.pi))
    return logsumexp(log_pi + log_normal, dim=-1)


def mixture_nll(logits: torch.Tensor, mu: torch.Tensor, sigma: torch.Tensor,
                target: torch.Tensor, *,
                reduction: str = "mean") -> torch.Tensor:
    """Negative log-likelihood of ``target: (N,)`` or ``(N, 1)`` under the mixtures
    ``(logits, mu, sigma): (N, K)``."""
    if not isinstance(target, torch.Tensor):
        raise TypeError(f"target must be a torch.Tensor, got {type(target).__name__}")
    if target.ndim == 2 and target.shape[1] == 1:
        target = target[:, 0]
    if target.ndim != 1:
        raise ValueError(f"target must be (N,) or (N, 1) (one-dimensional targets), got "
                         f"{tuple(target.shape)}")
    return reduce_loss(-log_prob(logits, mu, sigma, target), reduction)


def mdn_loss(output: torch.Tensor, target: torch.Tensor, *,
             reduction: str = "mean") -> torch.Tensor:
    """The MDN's training loss from its raw output ``(N, 3K)`` and targets ``(N, 1)``: a
    ``loss_fn`` for ``fit``."""
    return mixture_nll(*split_output(output), target, reduction=reduction)


def responsibilities(logits: torch.Tensor, mu: torch.Tensor, sigma: torch.Tensor,
                     t: torch.Tensor) -> torch.Tensor:
    """Posterior ``γ_k = π_k N(t | μ_k, σ_k²) / Σ_j π_j N(t | μ_j, σ_j²)`` of each
    component: ``(N, K)``."""
    _check_mixture(logits, mu, sigma)
    if not isinstance(t, torch.Tensor) or not t.is_floating_point():
        raise TypeError(f"t must be a floating-point tensor, got "
                        f"{getattr(t, 'dtype', type(t).__name__)}")
    if t.ndim == 2 and t.shape[1] == 1:
        t = t[:, 0]
    if t.shape != (logits.shape[0],):
        raise ValueError(f"t must be (N,) or (N, 1) with N = {logits.shape[0]}, got "
                         f"shape {tuple(t.shape)}")
    t = t[:, None]
    log_joint = log_softmax(logits, dim=1) - 0.5 * ((t - mu) / sigma) ** 2 - sigma.log()
    return log_softmax(log_joint, dim=1).exp()   # the constant −½ log 2π cancels
