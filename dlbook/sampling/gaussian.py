"""Gradients of ``E_{z∼N(μ, diag σ²)}[f(z)]`` by the score function and by reparameterisation, with the quadratic
``f(z) = ‖z − c‖²`` as ground truth: ``E[f] = ‖μ − c‖² + Σ σ²``.

Parameters are ``θ = (μ, log σ²)``, as :func:`dlbook.sampling.normal_rsample` takes them.
"""
from __future__ import annotations

from typing import Callable

import torch

from ._checks import floating_tensor, sample_count, same_shape
from .reparameterisation import normal_rsample
from .score_function import score_function_gradients


def _check(mean, log_var) -> int:
    floating_tensor(mean, "mean")
    floating_tensor(log_var, "log_var")
    if mean.ndim != 1:
        raise ValueError(f"mean must be (D,), got shape {tuple(mean.shape)}")
    same_shape(mean, log_var, "mean", "log_var")
    return mean.shape[0]


def _values(f, z: torch.Tensor) -> torch.Tensor:
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    out = f(z)
    if not isinstance(out, torch.Tensor) or out.shape != z.shape[:1]:
        raise ValueError(f"f must map (N, D) to (N,), got {type(out).__name__} "
                         f"{tuple(out.shape) if isinstance(out, torch.Tensor) else ''} for input {tuple(z.shape)}")
    return out


def quadratic_expectation(mean: torch.Tensor, log_var: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``E‖z − c‖² = ‖μ − c‖² + Σ exp(log σ²)`` in closed form, differentiable.

    ``mean``, ``log_var``, ``target``: ``(D,)`` ``→`` ``()``.
    """
    _check(mean, log_var)
    floating_tensor(target, "target")
    same_shape(mean, target, "mean", "target")
    return ((mean - target) ** 2).sum() + log_var.exp().sum()


def quadratic_gradient(mean: torch.Tensor, log_var: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Its gradient ``(2(μ − c), σ²)`` with respect to ``(μ, log σ²)``, concatenated: ``→ (2D,)``."""
    _check(mean, log_var)
    same_shape(mean, target, "mean", "target")
    return torch.cat([2 * (mean - target), log_var.exp()]).detach()


def gaussian_score(z: torch.Tensor, mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """The score ``∇_{(μ, log σ²)} log N(z; μ, σ²) = ((z − μ)/σ², ((z − μ)²/σ² − 1)/2)``.

    ``z``: ``(N, D)``, ``mean``, ``log_var``: ``(D,)`` ``→`` ``(N, 2D)``.
    """
    d = _check(mean, log_var)
    floating_tensor(z, "z")
    if z.ndim != 2 or z.shape[1] != d:
        raise ValueError(f"z must be (N, D) with D = {d}, got shape {tuple(z.shape)}")
    var = log_var.exp()
    return torch.cat([(z - mean) / var, ((z - mean) ** 2 / var - 1) / 2], -1).detach()


def gaussian_score_function(f: Callable[[torch.Tensor], torch.Tensor], mean: torch.Tensor, log_var: torch.Tensor,
                            n_samples: int, baseline=None, *, generator: torch.Generator | None = None
                            ) -> torch.Tensor:
    """``n_samples`` per-sample score-function estimates ``(f(z_i) − b_i) ∇ log N(z_i)``.

    ``mean``, ``log_var``: ``(D,)`` ``→`` ``(N, 2D)``.

    ``f`` maps ``(N, D) → (N,)``; ``baseline`` as in :func:`dlbook.sampling.score_function_gradients`.
    """
    d = _check(mean, log_var)
    n = sample_count(n_samples)
    mean, log_var = mean.detach(), log_var.detach()
    z = normal_rsample(mean.expand(n, d), log_var.expand(n, d), generator=generator)
    return score_function_gradients(_values(f, z).detach(), gaussian_score(z, mean, log_var), baseline)


def gaussian_reparameterised(f: Callable[[torch.Tensor], torch.Tensor], mean: torch.Tensor, log_var: torch.Tensor,
                             n_samples: int, *, generator: torch.Generator | None = None) -> torch.Tensor:
    """``n_samples`` per-sample pathwise estimates ``∇_{(μ, log σ²)} f(μ + σ ε_i)``.

    ``mean``, ``log_var``: ``(D,)`` ``→`` ``(N, 2D)``.

    ``f`` must act on each row separately (``(N, D) → (N,)``) so that one backward pass gives every
    sample's gradient.
    """
    d = _check(mean, log_var)
    n = sample_count(n_samples)
    rows_mean = mean.detach().expand(n, d).clone().requires_grad_(True)
    rows_log_var = log_var.detach().expand(n, d).clone().requires_grad_(True)
    with torch.enable_grad():
        z = normal_rsample(rows_mean, rows_log_var, generator=generator)
        g_mean, g_log_var = torch.autograd.grad(_values(f, z).sum(), [rows_mean, rows_log_var])
    return torch.cat([g_mean, g_log_var], -1)
