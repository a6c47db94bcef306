"""The variational autoencoder: a Gaussian encoder q(z | x), a decoder p(x | z), and the prior N(0, I)."""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from dlbook.sampling import normal_rsample

from ._mlp import check_sizes, mlp
from .likelihoods import bernoulli_log_likelihood, gaussian_log_likelihood

LIKELIHOODS = ("bernoulli", "gaussian")


class VAE(nn.Module):
    """A VAE with MLP encoder and decoder (``hidden=()``: both linear), optionally class-conditional.

    ``encode(x, y) → (mu, logvar)``: the parameters of ``q(z | x) = N(mu, diag exp(logvar))``,
    each ``(N, latent_dim)``; ``decode(z, y) → (N, in_features)``: Bernoulli logits, or the
    mean of ``N(mean, σ²I)`` with one learned variance ``σ² = exp(decoder_logvar)`` for
    ``likelihood="gaussian"``. ``forward(x, y) → (decoder output, mu, logvar)`` with ``z``
    drawn by the reparameterisation of chapter 12. With ``num_classes > 0`` the class
    ``y: (N,)`` (ints) is given, one-hot, to both networks: a conditional VAE.
    """

    def __init__(self, in_features: int, latent_dim: int, hidden: tuple[int, ...] = (256,),
                 likelihood: str = "bernoulli", num_classes: int = 0):
        super().__init__()
        check_sizes(in_features=in_features, latent_dim=latent_dim)
        if likelihood not in LIKELIHOODS:
            raise ValueError(f"likelihood must be one of {LIKELIHOODS}, got {likelihood!r}")
        if not isinstance(num_classes, int) or num_classes < 0:
            raise ValueError(f"num_classes must be a non-negative int, got {num_classes!r}")
        self.in_features, self.latent_dim = in_features, latent_dim
        self.likelihood, self.num_classes = likelihood, num_classes
        self.encoder = mlp(in_features + num_classes, tuple(hidden), 2 * latent_dim)
        self.decoder = mlp(latent_dim + num_classes, tuple(reversed(hidden)), in_features)
        if likelihood == "gaussian":
            self.decoder_logvar = nn.Parameter(torch.zeros(()))

    def _with_class(self, h: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        if self.num_classes == 0:
            if y is not None:
                raise ValueError("this VAE is not conditional (num_classes=0); do not pass y")
            return h
        if y is None or y.shape != (h.shape[0],) or y.dtype not in (torch.int32, torch.int64):
            raise ValueError(f"a conditional VAE needs y: ({h.shape[0]},) class indices, got "
                             f"{None if y is None else (tuple(y.shape), y.dtype)}")
        if (y < 0).any() or (y >= self.num_classes).any():
            raise ValueError(f"classes must lie in 0 … {self.num_classes - 1}")
        return torch.cat([h, F.one_hot(y, self.num_classes).to(h.dtype)], dim=1)

    def encode(self, x: torch.Tensor, y: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """``x: (N, in_features)`` → ``mu, logvar: (N, latent_dim)``."""
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(f"expected inputs (N, {self.in_features}), got {tuple(x.shape)}")
        mu, logvar = self.encoder(self._with_class(x, y)).chunk(2, dim=1)
        return mu, logvar

    def decode(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """``z: (N, latent_dim)`` → decoder output ``(N, in_features)`` (logits or Gaussian mean)."""
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"expected codes (N, {self.latent_dim}), got {tuple(z.shape)}")
        return self.decoder(self._with_class(z, y))

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None):
        mu, logvar = self.encode(x, y)
        z = normal_rsample(mu, logvar)
        return self.decode(z, y), mu, logvar

    def log_likelihood(self, output: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """``log p(x | z)`` per sample for the decoder output of ``z``: ``(N, in_features)`` twice → ``(N,)``."""
        if self.likelihood == "bernoulli":
            return bernoulli_log_likelihood(output, x)
        return gaussian_log_likelihood(output, x, self.decoder_logvar.exp())

    def mean_image(self, output: torch.Tensor) -> torch.Tensor:
        """The decoder's expected ``x`` given its output: ``sigmoid(logits)`` or the Gaussian mean."""
        return torch.sigmoid(output) if self.likelihood == "bernoulli" else output

    @torch.no_grad()
    def sample(self, n: int, y: torch.Tensor | None = None, *, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` draws ``z ~ N(0, I)`` decoded to expected images ``(n, in_features)``."""
        check_sizes(n=n)
        device = next(self.parameters()).device
        z = torch.randn(n, self.latent_dim, generator=generator).to(device)
        return self.mean_image(self.decode(z, y))
