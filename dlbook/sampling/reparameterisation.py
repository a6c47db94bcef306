"""The reparameterisation (pathwise) estimator: write the sample as a differentiable function of noise."""
from __future__ import annotations

import torch

from ._checks import floating_tensor, same_shape


def normal_rsample(mean: torch.Tensor, log_var: torch.Tensor, *, generator: torch.Generator | None = None
                   ) -> torch.Tensor:
    """A reparameterised Gaussian sample ``z = mean + exp(log_var / 2) · ε``, ``ε ∼ N(0, I)``.

    ``mean``, ``log_var``: the same shape ``(...)`` ``→`` ``(...)``, differentiable in both.
    """
    floating_tensor(mean, "mean")
    floating_tensor(log_var, "log_var")
    same_shape(mean, log_var, "mean", "log_var")
    eps = torch.randn(mean.shape, generator=generator, device=mean.device, dtype=mean.dtype)
    return mean + torch.exp(0.5 * log_var) * eps


def exponential_rsample(rate: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
    """A reparameterised Exponential(rate) sample by the inverse CDF: ``z = F⁻¹(u) = −log(1 − u) / rate``.

    ``rate``: ``(...)`` positive ``→`` ``(...)``, differentiable in ``rate`` (``∂z/∂rate = −z / rate``).
    """
    floating_tensor(rate, "rate")
    if (rate <= 0).any() or not torch.isfinite(rate).all():
        raise ValueError("rate must be finite and > 0")
    u = torch.rand(rate.shape, generator=generator, device=rate.device, dtype=rate.dtype)
    return -torch.log1p(-u) / rate
