"""The KL term of the ELBO: KL(N(μ, diag σ²) ‖ N(0, I)) in closed form."""
from __future__ import annotations

import torch


def check_gaussian_parameters(mu: torch.Tensor, logvar: torch.Tensor) -> None:
    """Raise a ``ValueError`` unless ``mu`` and ``logvar`` are floating tensors ``(N, D)`` of one shape."""
    for name, t in (("mu", mu), ("logvar", logvar)):
        if not isinstance(t, torch.Tensor) or not t.is_floating_point():
            raise TypeError(f"{name} must be a floating-point tensor, got {type(t).__name__}")
        if t.ndim != 2:
            raise ValueError(f"{name} must have shape (N, D), got {tuple(t.shape)}")
    if mu.shape != logvar.shape:
        raise ValueError(f"mu {tuple(mu.shape)} and logvar {tuple(logvar.shape)} must have the same shape")


def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(μ, diag σ²) ‖ N(0, I)) per sample, summed over the latent dimensions.

    ``mu``, ``logvar``: ``(N, D)`` with ``logvar = log σ²`` → ``(N,)``:
    ``½ Σ_d (μ_d² + σ_d² − 1 − log σ_d²)``.
    """
    check_gaussian_parameters(mu, logvar)
    return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=1)
