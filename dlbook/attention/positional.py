"""Positional encodings: attention alone ignores order, so the position has to be written into the input.

- Sinusoidal (Vaswani et al. 2017): ``PE[t, 2i] = sin(t ω_i)``, ``PE[t, 2i+1] = cos(t ω_i)``,
  ``ω_i = base^(−2i/D)``. A shift by ``k`` is one fixed linear map: ``PE[t + k] = R_k PE[t]``
  with ``R_k`` block-diagonal 2×2 rotations (:func:`~dlbook.attention.sinusoidal_shift`).
- Rotary (RoPE, Su et al. 2021): rotate each pair ``(x_{2i}, x_{2i+1})`` of a query or key at
  position ``t`` by the angle ``t θ_i``. Then ``⟨rope(q, m), rope(k, n)⟩ = qᵀ R_{m−n} k`` depends on ``m − n`` only.
"""
from __future__ import annotations

import torch


def _even_dim(dim, name: str = "dim") -> int:
    if isinstance(dim, bool) or not isinstance(dim, int) or dim < 2 or dim % 2:
        raise ValueError(f"{name} must be a positive even int, got {dim!r}")
    return dim


def frequencies(dim: int, base: float = 10000.0, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """The angular frequencies ``ω_i = base^(−2i/dim)``, ``i = 0 … dim/2 − 1`` → ``(dim/2,)``."""
    _even_dim(dim)
    if not base > 1:
        raise ValueError(f"base must be > 1, got {base}")
    return base ** (-torch.arange(0, dim, 2, dtype=torch.float64) / dim).to(dtype)


def sinusoidal_encoding(num_positions: int, dim: int, base: float = 10000.0,
                        dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """``PE: (num_positions, dim)``, ``PE[t, 2i] = sin(t ω_i)`` and ``PE[t, 2i+1] = cos(t ω_i)``."""
    if isinstance(num_positions, bool) or not isinstance(num_positions, int) or num_positions < 1:
        raise ValueError(f"num_positions must be a positive int, got {num_positions!r}")
    angles = torch.arange(num_positions, dtype=torch.float64)[:, None] * frequencies(dim, base, torch.float64)
    pe = torch.empty(num_positions, dim, dtype=torch.float64)
    pe[:, 0::2], pe[:, 1::2] = angles.sin(), angles.cos()
    return pe.to(dtype)


def sinusoidal_shift(k: int, dim: int, base: float = 10000.0, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """The matrix ``R_k: (dim, dim)`` with ``PE[t + k] = R_k PE[t]`` for every ``t`` (block-diagonal rotations).

    Each block is ``[[cos kω, sin kω], [−sin kω, cos kω]]``, from ``sin(a + b) = sin a cos b + cos a sin b`` and
    ``cos(a + b) = cos a cos b − sin a sin b``. It does not depend on ``t``.
    """
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"the shift k must be an int, got {type(k).__name__}")
    w = frequencies(dim, base, torch.float64) * k
    R = torch.zeros(dim, dim, dtype=torch.float64)
    i = torch.arange(0, dim, 2)
    R[i, i], R[i, i + 1], R[i + 1, i], R[i + 1, i + 1] = w.cos(), w.sin(), -w.sin(), w.cos()
    return R.to(dtype)


def rotary(x: torch.Tensor, positions: torch.Tensor | None = None, base: float = 10000.0) -> torch.Tensor:
    """RoPE: rotate the pairs ``(x_{2i}, x_{2i+1})`` of ``x: (..., T, D)`` by ``t θ_i`` → ``(..., T, D)``.

    ``positions: (T,)`` (default ``0 … T − 1``) gives each row's position ``t``; ``θ_i = base^(−2i/D)``.
    A rotation keeps norms, and ``rotary(q, m) · rotary(k, n) = qᵀ R_{m−n} k`` (``R`` from :func:`~dlbook.attention.sinusoidal_shift`).
    """
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise TypeError("x must be a floating-point tensor")
    if x.dim() < 2:
        raise ValueError(f"x must be (..., T, D), got shape {tuple(x.shape)}")
    T, D = x.shape[-2:]
    _even_dim(D, "the feature size D")
    if positions is None:
        positions = torch.arange(T, device=x.device)
    if not isinstance(positions, torch.Tensor) or positions.shape != (T,):
        raise ValueError(f"positions must be a tensor of shape (T,) = ({T},)")
    angles = positions.to(torch.float64)[:, None] * frequencies(D, base, torch.float64).to(x.device)  # (T, D/2)
    cos, sin = angles.cos().to(x.dtype), angles.sin().to(x.dtype)
    even, odd = x[..., 0::2], x[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out
