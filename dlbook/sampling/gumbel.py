"""The Gumbel distribution and the Gumbel-max trick: ``argmax(log π + G)`` is a draw from ``Categorical(π)``."""
from __future__ import annotations

import torch

from ._checks import dimension, floating_tensor


def sample_gumbel(shape, *, generator: torch.Generator | None = None, device=None, dtype=None) -> torch.Tensor:
    """Standard Gumbel(0, 1) samples ``G = −log(−log U)``, ``U ∼ Uniform(0, 1)``: ``shape → shape``.

    ``U`` is kept away from 0 (``torch.rand`` can return exactly 0), so every sample is finite.
    """
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list, torch.Size)) or any(
            isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in shape):
        raise ValueError(f"shape must be a tuple of non-negative ints, got {shape!r}")
    dtype = torch.get_default_dtype() if dtype is None else dtype
    if not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
        raise TypeError(f"dtype must be a floating torch.dtype, got {dtype!r}")
    u = torch.rand(tuple(shape), generator=generator, device=device, dtype=dtype)
    u = u.clamp_min(torch.finfo(dtype).tiny)
    return -torch.log(-torch.log(u))


def gumbel_cdf(x: torch.Tensor) -> torch.Tensor:
    """The standard Gumbel CDF ``F(x) = exp(−exp(−x))``: any shape → same shape."""
    floating_tensor(x, "x")
    return torch.exp(-torch.exp(-x))


def gumbel_log_pdf(x: torch.Tensor) -> torch.Tensor:
    """The standard Gumbel log-density ``log f(x) = −x − exp(−x)``: any shape → same shape."""
    floating_tensor(x, "x")
    return -x - torch.exp(-x)


def gumbel_max_sample(logits: torch.Tensor, dim: int = -1, *, generator: torch.Generator | None = None) -> torch.Tensor:
    """A categorical sample by the Gumbel-max trick: ``argmax_k (logits_k + G_k)``.

    ``logits``: ``(..., K)`` unnormalised log-probabilities (``-inf`` allowed for impossible classes)
    ``→`` ``(...)`` int64 class indices, distributed as ``Categorical(softmax(logits))``.
    """
    floating_tensor(logits, "logits", min_ndim=1)
    dim = dimension(dim, logits)
    if torch.isnan(logits).any() or (logits == float("inf")).any():
        raise ValueError("logits must not contain NaN or +inf")
    if (logits == float("-inf")).all(dim).any():
        raise ValueError("every class has logit -inf along some row: no class can be drawn")
    g = sample_gumbel(logits.shape, generator=generator, device=logits.device, dtype=logits.dtype)
    return (logits + g).argmax(dim)
