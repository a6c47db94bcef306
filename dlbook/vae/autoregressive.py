"""A VAE with a strong decoder: each pixel also sees the pixels before it, so the decoder needs the code less."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from dlbook.sampling import normal_rsample

from ._mlp import check_sizes
from .model import VAE


class AutoregressiveVAE(VAE):
    """A Bernoulli VAE whose decoder is ``p(x | z) = Π_i p(x_i | x_<i, z)``.

    The logit of pixel ``i`` is the MLP decoder's output plus a linear function of the pixels
    ``x_1 … x_{i−1}`` (a strictly lower-triangular weight), so ``decode(z, y, x)`` needs the
    image it scores: ``x: (N, in_features)`` → logits ``(N, in_features)``. Sampling draws the
    pixels one at a time. The context alone is a fully visible sigmoid belief network, a
    decoder that can model much of an image without looking at ``z``.
    """

    def __init__(self, in_features: int, latent_dim: int, hidden: tuple[int, ...] = (256,), num_classes: int = 0):
        super().__init__(in_features, latent_dim, hidden, "bernoulli", num_classes)
        self.context = nn.Linear(in_features, in_features)
        self.register_buffer("mask", torch.ones(in_features, in_features).tril(-1))

    def decode(self, z: torch.Tensor, y: torch.Tensor | None = None, x: torch.Tensor | None = None) -> torch.Tensor:
        """``z: (N, latent_dim)`` and the pixels ``x: (N, in_features)`` → logits ``(N, in_features)``."""
        if x is None or x.ndim != 2 or x.shape != (z.shape[0], self.in_features):
            raise ValueError(f"the autoregressive decoder needs the image it scores, x: ({z.shape[0]}, "
                             f"{self.in_features}), got {None if x is None else tuple(x.shape)}; use sample() to generate")
        return super().decode(z, y) + F.linear(x, self.context.weight * self.mask, self.context.bias)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None):
        mu, logvar = self.encode(x, y)
        z = normal_rsample(mu, logvar)
        return self.decode(z, y, x), mu, logvar

    @torch.no_grad()
    def sample(self, n: int, y: torch.Tensor | None = None, *, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` binary images ``(n, in_features)``: ``z ~ N(0, I)``, then pixel after pixel."""
        check_sizes(n=n)
        device = self.mask.device
        z = torch.randn(n, self.latent_dim, generator=generator).to(device)
        from_code = VAE.decode(self, z, y)                                     # (n, D)
        weight = self.context.weight * self.mask
        x = torch.zeros(n, self.in_features, device=device)
        for i in range(self.in_features):
            logit = from_code[:, i] + x @ weight[i] + self.context.bias[i]
            u = torch.rand(n, generator=generator).to(device)
            x[:, i] = (u < torch.sigmoid(logit)).float()
        return x
