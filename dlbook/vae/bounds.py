"""Bounds on log p(x): the ELBO (as a loss for :func:`dlbook.fit`, too) and the importance-weighted bound."""
from __future__ import annotations

import math
from typing import NamedTuple

import torch

from .kl import gaussian_kl
from .model import VAE


class ELBOTerms(NamedTuple):
    """Per-sample ``(N,)`` tensors: ``elbo = reconstruction − β·kl``."""

    elbo: torch.Tensor
    reconstruction: torch.Tensor
    kl: torch.Tensor


def _check_model(model) -> None:
    if not isinstance(model, VAE):
        raise TypeError(f"model must be a dlbook.vae.VAE, got {type(model).__name__}")


def elbo(model: VAE, x: torch.Tensor, y: torch.Tensor | None = None, *, beta: float = 1.0) -> ELBOTerms:
    """One-sample estimate of ``E_q[log p(x | z)] − β KL(q(z | x) ‖ p(z))`` for each ``x: (N, D)``.

    The reconstruction term is estimated with one reparameterised ``z`` per example; the KL is
    exact. ``β = 1`` is the evidence lower bound; other values the β-VAE objective.
    """
    _check_model(model)
    if beta < 0:
        raise ValueError(f"beta must be non-negative, got {beta}")
    output, mu, logvar = model(x, y)
    reconstruction = model.log_likelihood(output, x)
    kl = gaussian_kl(mu, logvar)
    return ELBOTerms(reconstruction - beta * kl, reconstruction, kl)


class NegativeELBO:
    """The loss ``mean(−log p(x | z) + β·KL)`` for ``fit(model, (x, x), loss_fn=NegativeELBO(model))``.

    Call it as ``loss(output, x)`` with ``output = model(x)``. ``beta`` may be changed
    during training (see :class:`KLWarmup`).
    """

    def __init__(self, model: VAE, beta: float = 1.0):
        _check_model(model)
        if beta < 0:
            raise ValueError(f"beta must be non-negative, got {beta}")
        self.model, self.beta = model, beta

    def reconstruction(self, output, x: torch.Tensor) -> torch.Tensor:
        """Mean ``log p(x | z)`` over the batch."""
        return self.model.log_likelihood(output[0], x).mean()

    def kl(self, output, x: torch.Tensor) -> torch.Tensor:
        """Mean ``KL(q(z | x) ‖ p(z))`` over the batch."""
        return gaussian_kl(output[1], output[2]).mean()

    def __call__(self, output, x: torch.Tensor) -> torch.Tensor:
        return -self.reconstruction(output, x) + self.beta * self.kl(output, x)


def _standard_normal_log_prob(z: torch.Tensor) -> torch.Tensor:
    return -0.5 * (z.pow(2) + math.log(2 * math.pi)).sum(-1)


@torch.no_grad()
def iwae_bound(model: VAE, x: torch.Tensor, k: int, y: torch.Tensor | None = None, *,
               generator: torch.Generator | None = None) -> torch.Tensor:
    """The importance-weighted bound ``log (1/k) Σ_i p(x, z_i) / q(z_i | x)``, ``z_i ~ q(z | x)``.

    ``x: (N, D)`` → ``(N,)``. ``k = 1`` is the ELBO (in expectation); the bound rises
    towards ``log p(x)`` as ``k`` grows (Burda et al., 2016).
    """
    _check_model(model)
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive int, got {k!r}")
    mu, logvar = model.encode(x, y)
    std = (0.5 * logvar).exp()
    eps = torch.randn((k, *mu.shape), generator=generator).to(mu)         # (k, N, L)
    z = mu + std * eps
    n = x.shape[0]
    output = model.decode(z.reshape(k * n, -1), None if y is None else y.repeat(k))
    log_px_z = model.log_likelihood(output, x.repeat(k, 1)).reshape(k, n)
    log_pz = _standard_normal_log_prob(z)
    log_qz = -0.5 * (eps.pow(2) + logvar + math.log(2 * math.pi)).sum(-1)
    return torch.logsumexp(log_px_z + log_pz - log_qz, dim=0) - math.log(k)
