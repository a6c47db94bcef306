"""Which latent units a VAE uses: Burda et al.'s activity statistic."""
from __future__ import annotations

import torch

from .model import VAE


@torch.no_grad()
def active_units(model: VAE, x: torch.Tensor, y: torch.Tensor | None = None, *,
                 threshold: float = 0.01) -> tuple[int, torch.Tensor]:
    """``(count, activity)``: ``activity_u = Var_x(E_q[z_u | x])`` for each latent unit, ``(latent_dim,)``.

    A unit whose posterior mean does not move with the input (activity below ``threshold``)
    carries no information about ``x``: its ``q(z_u | x)`` is the prior, whatever ``x`` is.
    ``x: (N, D)`` with ``N ≥ 2``.
    """
    if not isinstance(model, VAE):
        raise TypeError(f"model must be a dlbook.vae.VAE, got {type(model).__name__}")
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"need x: (N, D) with N ≥ 2 to measure a variance, got {tuple(x.shape)}")
    if threshold < 0:
        raise ValueError(f"threshold must be non-negative, got {threshold}")
    was_training = model.training
    model.eval()
    try:
        mu, _ = model.encode(x, y)
    finally:
        model.train(was_training)
    activity = mu.var(dim=0)
    return int((activity > threshold).sum()), activity
