"""A deterministic autoencoder, its denoising variant, and walking between two codes."""
from __future__ import annotations

import torch
from torch import nn

from ._mlp import check_sizes, mlp


class Autoencoder(nn.Module):
    """``x: (N, in_features) → z = encode(x): (N, latent_dim) → decode(z): (N, in_features)`` logits.

    With ``noise > 0`` it is a *denoising* autoencoder: in training mode each input pixel
    is set to 0 with probability ``noise`` before encoding (masking noise), and the loss
    still compares the output with the clean input. In eval mode nothing is corrupted.
    """

    def __init__(self, in_features: int, latent_dim: int, hidden: tuple[int, ...] = (128,), noise: float = 0.0):
        super().__init__()
        check_sizes(in_features=in_features, latent_dim=latent_dim)
        if not 0.0 <= noise < 1.0:
            raise ValueError(f"noise is a masking probability in [0, 1), got {noise}")
        self.in_features, self.latent_dim, self.noise = in_features, latent_dim, noise
        self.encoder = mlp(in_features, tuple(hidden), latent_dim)
        self.decoder = mlp(latent_dim, tuple(reversed(hidden)), in_features)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """``x: (N, in_features) → z: (N, latent_dim)``."""
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(f"expected inputs (N, {self.in_features}), got {tuple(x.shape)}")
        return self.encoder(x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """``z: (N, latent_dim) → logits: (N, in_features)`` (``sigmoid`` gives pixel values)."""
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"expected codes (N, {self.latent_dim}), got {tuple(z.shape)}")
        return self.decoder(z)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training and self.noise > 0:
            x = x * (torch.rand_like(x) >= self.noise)
        return self.decode(self.encode(x))


def interpolate(z0: torch.Tensor, z1: torch.Tensor, steps: int) -> torch.Tensor:
    """``steps`` evenly spaced points on the segment from ``z0`` to ``z1``, ends included.

    ``z0``, ``z1``: ``(D,)`` → ``(steps, D)``.
    """
    if z0.ndim != 1 or z0.shape != z1.shape:
        raise ValueError(f"z0 and z1 must be vectors of one length, got {tuple(z0.shape)} and {tuple(z1.shape)}")
    check_sizes(steps=steps)
    t = torch.linspace(0, 1, steps, dtype=z0.dtype, device=z0.device)[:, None]
    return (1 - t) * z0 + t * z1
