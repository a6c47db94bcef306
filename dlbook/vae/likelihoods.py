"""The reconstruction term of the ELBO: log p(x | z) for Bernoulli and Gaussian decoders.

Both are chapter 3's losses with the sign flipped and summed over the pixels of one image.
"""
from __future__ import annotations

import torch

from dlbook.losses import binary_cross_entropy_with_logits, gaussian_nll


def _check_images(output: torch.Tensor, x: torch.Tensor, name: str) -> None:
    if output.ndim < 2 or output.shape != x.shape:
        raise ValueError(f"{name}: decoder output {tuple(output.shape)} and data {tuple(x.shape)} must have "
                         "the same shape (N, ...)")


def bernoulli_log_likelihood(logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """``log p(x | z)`` of independent Bernoulli pixels with ``p = σ(logits)``, one value per sample.

    ``logits``, ``x``: ``(N, ...)`` with ``x`` in ``[0, 1]`` → ``(N,)``; minus the binary
    cross-entropy of chapter 3, summed over all but the first dimension.
    """
    _check_images(logits, x, "bernoulli_log_likelihood")
    return -binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1)


def gaussian_log_likelihood(mean: torch.Tensor, x: torch.Tensor, var) -> torch.Tensor:
    """``log N(x; mean, var·I)``, one value per sample.

    ``mean``, ``x``: ``(N, ...)``; ``var``: a positive number or tensor broadcastable to
    the mean's shape (e.g. one learned variance) → ``(N,)``; minus chapter 3's Gaussian
    negative log-likelihood with its constant, summed over all but the first dimension.
    """
    _check_images(mean, x, "gaussian_log_likelihood")
    var = torch.as_tensor(var, dtype=mean.dtype, device=mean.device).expand_as(mean)
    return -gaussian_nll(mean, x, var, full=True, reduction="none").flatten(1).sum(1)
