"""A latent-variable model small enough to solve exactly: z ~ N(0, I), x | z ~ N(Wz + b, σ²I).

Its evidence, its posterior and the ELBO of any Gaussian q(z) are closed forms, so the
identity log p(x) = ELBO(q) + KL(q ‖ p(z | x)) can be checked to rounding error; fitted by
maximum likelihood it is probabilistic PCA (Tipping & Bishop, 1999).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch


@dataclass
class LinearGaussian:
    """``W: (D, K)``, ``b: (D,)``, ``sigma2 > 0``: the model ``x = Wz + b + σε``, ``z, ε`` standard normal."""

    W: torch.Tensor
    b: torch.Tensor
    sigma2: float

    def __post_init__(self):
        if self.W.ndim != 2 or self.b.shape != (self.W.shape[0],):
            raise ValueError(f"need W: (D, K) and b: (D,), got {tuple(self.W.shape)} and {tuple(self.b.shape)}")
        if not self.sigma2 > 0:
            raise ValueError(f"sigma2 must be positive, got {self.sigma2}")

    def _check(self, x: torch.Tensor) -> None:
        if x.ndim != 2 or x.shape[1] != self.W.shape[0]:
            raise ValueError(f"expected x: (N, {self.W.shape[0]}), got {tuple(x.shape)}")

    def covariance(self) -> torch.Tensor:
        """The marginal covariance ``C = WWᵀ + σ²I: (D, D)``."""
        D = self.W.shape[0]
        return self.W @ self.W.T + self.sigma2 * torch.eye(D, dtype=self.W.dtype)

    def log_marginal(self, x: torch.Tensor) -> torch.Tensor:
        """``log p(x) = log N(x; b, C)`` for ``x: (N, D)`` → ``(N,)``."""
        self._check(x)
        return torch.distributions.MultivariateNormal(self.b, self.covariance()).log_prob(x)

    def posterior(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``p(z | x) = N(M⁻¹Wᵀ(x − b), σ²M⁻¹)`` with ``M = WᵀW + σ²I``: means ``(N, K)``, covariance ``(K, K)``."""
        self._check(x)
        K = self.W.shape[1]
        M = self.W.T @ self.W + self.sigma2 * torch.eye(K, dtype=self.W.dtype)
        mean = torch.linalg.solve(M, self.W.T @ (x - self.b).T).T
        return mean, self.sigma2 * torch.linalg.inv(M)

    def elbo(self, x: torch.Tensor, m: torch.Tensor, S: torch.Tensor) -> torch.Tensor:
        """The ELBO of ``q(z) = N(m, S)`` for each ``x: (N, D)``, ``m: (N, K)``, ``S: (K, K)`` → ``(N,)``.

        ``E_q[log p(x | z)] = −D/2 log 2πσ² − (‖x − Wm − b‖² + tr(WᵀW S)) / 2σ²`` and
        ``KL(q ‖ N(0, I)) = ½ (tr S + ‖m‖² − K − log det S)``, both exact.
        """
        self._check(x)
        D, K = self.W.shape
        if m.shape != (x.shape[0], K) or S.shape != (K, K):
            raise ValueError(f"need m: ({x.shape[0]}, {K}) and S: ({K}, {K}), got {tuple(m.shape)} and {tuple(S.shape)}")
        residual = x - m @ self.W.T - self.b
        expected_log_lik = (-0.5 * D * math.log(2 * math.pi * self.sigma2)
                            - (residual.pow(2).sum(1) + torch.trace(self.W.T @ self.W @ S)) / (2 * self.sigma2))
        kl = 0.5 * (torch.trace(S) + m.pow(2).sum(1) - K - torch.logdet(S))
        return expected_log_lik - kl


def ppca_fit(X: torch.Tensor, latent_dim: int) -> LinearGaussian:
    """The maximum-likelihood probabilistic PCA of ``X: (N, D)`` with ``latent_dim`` components.

    With ``λ_1 ≥ … ≥ λ_D`` the eigenvalues of the sample covariance and ``U_K`` the top
    ``K`` eigenvectors: ``σ² = mean(λ_{K+1}, …, λ_D)``, ``W = U_K (Λ_K − σ²I)^{1/2}``
    (up to a rotation), ``b`` = the sample mean.
    """
    if X.ndim != 2:
        raise ValueError(f"X must have shape (N, D), got {tuple(X.shape)}")
    N, D = X.shape
    if not isinstance(latent_dim, int) or not 1 <= latent_dim < D:
        raise ValueError(f"latent_dim must be an int in 1 … {D - 1}, got {latent_dim!r}")
    b = X.mean(0)
    covariance = (X - b).T @ (X - b) / N
    eigenvalues, eigenvectors = torch.linalg.eigh(covariance)          # ascending
    eigenvalues, eigenvectors = eigenvalues.flip(0), eigenvectors.flip(1)
    sigma2 = float(eigenvalues[latent_dim:].mean())
    scale = (eigenvalues[:latent_dim] - sigma2).clamp_min(0).sqrt()
    return LinearGaussian(eigenvectors[:, :latent_dim] * scale, b, sigma2)
