"""Gradients of ``E_{z∼Categorical(softmax(θ))}[f(z)]``: exact, score-function, Gumbel-softmax and straight-through.

``f`` maps a batch of points of the simplex ``(N, K)`` to ``(N,)``. Evaluated at the one-hot vertices it *is*
the discrete objective; evaluated inside the simplex it is the relaxation the Gumbel-softmax estimators use.
"""
from __future__ import annotations

from typing import Callable

import torch

from ._checks import floating_tensor, sample_count, temperature
from .gumbel import gumbel_max_sample
from .relaxation import gumbel_softmax
from .score_function import score_function_gradients

_Objective = Callable[[torch.Tensor], torch.Tensor]   # (N, K) points of the simplex → (N,)




def _logits(logits) -> torch.Tensor:
    floating_tensor(logits, "logits")
    if logits.ndim != 1 or logits.numel() < 2:
        raise ValueError(f"logits must be (K,) with K >= 2 classes, got shape {tuple(logits.shape)}")
    if not torch.isfinite(logits).all():
        raise ValueError("logits must be finite")
    return logits


def _values(f: _Objective, y: torch.Tensor) -> torch.Tensor:
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    out = f(y)
    if not isinstance(out, torch.Tensor) or out.shape != y.shape[:1]:
        raise ValueError(f"f must map (N, K) to (N,), got {type(out).__name__} "
                         f"{tuple(out.shape) if isinstance(out, torch.Tensor) else ''} for input {tuple(y.shape)}")
    return out


def vertex_values(f: _Objective, logits: torch.Tensor) -> torch.Tensor:
    """``f`` at the ``K`` one-hot vertices: the table ``f_k`` of the discrete objective. ``(K,) → (K,)``."""
    _logits(logits)
    k = logits.shape[0]
    return _values(f, torch.eye(k, dtype=logits.dtype, device=logits.device))


def categorical_expectation(f: _Objective, logits: torch.Tensor) -> torch.Tensor:
    """The exact ``E[f(z)] = Σ_k softmax(θ)_k f_k``, differentiable in ``logits``: ``(K,) → ()``."""
    return (torch.softmax(_logits(logits), 0) * vertex_values(f, logits).detach()).sum()


def categorical_exact_gradient(f: _Objective, logits: torch.Tensor) -> torch.Tensor:
    """The exact gradient ``∇_θ E[f(z)] = p ⊙ (f − p·f)``, ``p = softmax(θ)``: ``(K,) → (K,)``."""
    values = vertex_values(f, logits).detach()
    p = torch.softmax(logits.detach(), 0)
    return p * (values - (p * values).sum())


def categorical_score_function(f: _Objective, logits: torch.Tensor, n_samples: int, baseline=None, *,
                               generator: torch.Generator | None = None) -> torch.Tensor:
    """``n_samples`` per-sample score-function estimates ``(f(z_i) − b_i)(onehot(z_i) − p)``: ``(K,) → (N, K)``.

    ``baseline`` as in :func:`dlbook.sampling.score_function_gradients` (``None``, a number, ``(K,)``, or
    ``"leave-one-out"``). ``onehot(z) − p`` is ``∇_θ log softmax(θ)_z``.
    """
    _logits(logits)
    n = sample_count(n_samples)
    logits = logits.detach()
    z = gumbel_max_sample(logits.expand(n, -1), generator=generator)
    onehot = torch.nn.functional.one_hot(z, logits.shape[0]).to(logits.dtype)
    reward = _values(f, onehot).detach()
    return score_function_gradients(reward, onehot - torch.softmax(logits, 0), baseline)


def categorical_relaxed(f: _Objective, logits: torch.Tensor, n_samples: int, tau: float, hard: bool = False, *,
                        generator: torch.Generator | None = None) -> torch.Tensor:
    """``n_samples`` per-sample Gumbel-softmax (``hard=False``) or straight-through (``hard=True``) estimates
    ``∇_θ f(y_i)``, ``y_i = gumbel_softmax(θ, tau, hard)``: ``(K,) → (N, K)``. Biased for every ``tau > 0``.
    """
    _logits(logits)
    n, tau = sample_count(n_samples), temperature(tau)
    rows = logits.detach().expand(n, -1).clone().requires_grad_(True)   # one copy per sample: per-sample grads
    with torch.enable_grad():
        y = gumbel_softmax(rows, tau, hard, generator=generator)
        grad, = torch.autograd.grad(_values(f, y).sum(), rows)
    return grad
