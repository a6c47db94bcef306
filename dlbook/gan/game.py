"""The GAN game: the discriminator's and generator's losses, the optimal discriminator and the
Jensen–Shannon divergence it turns the game into.

The discriminator outputs a logit ``l``; ``D = σ(l)`` is its probability that a sample is real.
"""
from __future__ import annotations

import torch
from torch.nn import functional as F

GENERATOR_LOSSES = ("saturating", "non_saturating")


def _logits(name: str, logits) -> torch.Tensor:
    if not isinstance(logits, torch.Tensor):
        raise TypeError(f"{name} must be a tensor, got {type(logits).__name__}")
    if not logits.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor of logits, got {logits.dtype}")
    if logits.ndim == 2 and logits.shape[1] == 1:
        logits = logits[:, 0]
    if logits.ndim != 1:
        raise ValueError(f"{name} must have shape (N,) or (N, 1), got {tuple(logits.shape)}")
    return logits


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """``−E[log D(x)] − E[log(1 − D(G(z)))]``: the negated value of the game, which the discriminator minimises.

    ``real_logits: (N,)`` or ``(N, 1)``, ``fake_logits: (M,)`` or ``(M, 1)`` → scalar.
    Written with ``log σ(l)`` and ``log(1 − σ(l)) = log σ(−l)``, which stay finite for any logit.
    """
    real_logits, fake_logits = _logits("real_logits", real_logits), _logits("fake_logits", fake_logits)
    return -F.logsigmoid(real_logits).mean() - F.logsigmoid(-fake_logits).mean()


def generator_loss(fake_logits: torch.Tensor, kind: str = "non_saturating") -> torch.Tensor:
    """The generator's loss on the discriminator's logits for its samples: ``(N,)`` or ``(N, 1)`` → scalar.

    ``"saturating"``: ``E[log(1 − D(G(z)))]``, the minimax game itself, whose gradient vanishes when D
    confidently rejects the samples. ``"non_saturating"``: ``−E[log D(G(z))]``, the same fixed point
    with a gradient that does not vanish there.
    """
    if kind not in GENERATOR_LOSSES:
        raise ValueError(f"kind must be one of {GENERATOR_LOSSES}, got {kind!r}")
    fake_logits = _logits("fake_logits", fake_logits)
    if kind == "saturating":
        return F.logsigmoid(-fake_logits).mean()
    return -F.logsigmoid(fake_logits).mean()


def _densities(p_data: torch.Tensor, p_g: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    for name, p in (("p_data", p_data), ("p_g", p_g)):
        if not isinstance(p, torch.Tensor):
            raise TypeError(f"{name} must be a tensor, got {type(p).__name__}")
        if (p < 0).any() or not torch.isfinite(p).all():
            raise ValueError(f"{name} must hold finite, non-negative densities")
    if p_data.shape != p_g.shape:
        raise ValueError(f"p_data {tuple(p_data.shape)} and p_g {tuple(p_g.shape)} must have the same shape")
    return p_data, p_g


def optimal_discriminator(p_data: torch.Tensor, p_g: torch.Tensor) -> torch.Tensor:
    """``D*(x) = p_data(x) / (p_data(x) + p_g(x))`` from the two densities at the same points: ``(*) → (*)``.

    Where both densities are zero any value is optimal; this returns 1/2 there.
    """
    p_data, p_g = _densities(p_data, p_g)
    total = p_data + p_g
    return torch.where(total > 0, p_data / total.clamp_min(torch.finfo(total.dtype).tiny), torch.full_like(total, 0.5))


def _xlogy_ratio(p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """``p log(p/q)`` elementwise, 0 where p = 0."""
    return torch.where(p > 0, p * (p.clamp_min(1e-300).log() - q.clamp_min(1e-300).log()), torch.zeros_like(p))


def js_divergence(p: torch.Tensor, q: torch.Tensor, dx: float | None = None) -> torch.Tensor:
    """Jensen–Shannon divergence ``½ KL(p ‖ m) + ½ KL(q ‖ m)``, ``m = (p + q)/2``, in nats; between 0 and log 2.

    ``p, q: (..., K)``: probability vectors over the last axis (``dx=None``) or densities on an
    evenly spaced grid with spacing ``dx`` (integrated by the rectangle rule) → ``(...)``.
    """
    p, q = _densities(p, q)
    if p.ndim < 1:
        raise ValueError("p and q need at least one axis (the outcomes)")
    if dx is not None and not dx > 0:
        raise ValueError(f"dx must be a positive grid spacing, got {dx}")
    weight = 1.0 if dx is None else dx
    for name, r in (("p", p), ("q", q)):
        if dx is None and not torch.allclose(r.sum(-1).double(), torch.ones((), dtype=torch.float64), atol=1e-6):
            raise ValueError(f"{name} must sum to 1 over its last axis (pass dx for densities on a grid)")
    m = (p + q) / 2
    return 0.5 * weight * (_xlogy_ratio(p, m).sum(-1) + _xlogy_ratio(q, m).sum(-1))


def value_at(discriminator_probability: torch.Tensor, p_data: torch.Tensor, p_g: torch.Tensor, dx: float) -> torch.Tensor:
    """The game's value ``∫ p_data log D + p_g log(1 − D) dx`` for a discriminator given on a grid: ``(K,)`` → scalar.

    ``discriminator_probability``, ``p_data`` and ``p_g`` hold values at the same ``K`` evenly spaced points.
    """
    p_data, p_g = _densities(p_data, p_g)
    D = discriminator_probability
    if not isinstance(D, torch.Tensor) or D.shape != p_data.shape:
        raise ValueError(f"discriminator_probability must be a tensor of shape {tuple(p_data.shape)}")
    if ((D < 0) | (D > 1)).any():
        raise ValueError("discriminator_probability must lie in [0, 1]")
    return dx * (torch.special.xlogy(p_data, D) + torch.special.xlogy(p_g, 1 - D)).sum()
