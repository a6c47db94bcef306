"""Inputs on the circle, where the NTK's eigenvectors are Fourier modes and its eigenvalues say what is learned first.

For inputs ``x = (cos t, sin t)`` the NTK of a network without input biases depends on ``x·x′ = cos(t − t′)``
only, so on a uniform grid of ``N`` angles the kernel matrix is circulant: its eigenvectors are the
sampled ``cos kt`` and ``sin kt`` and its eigenvalue at frequency ``k`` is ``λ_k = Σ_j Θ(t₀, t_j) cos(k t_j)``.
"""
from __future__ import annotations

import math

import torch


def _check_vector(name: str, value, ndim=(1,)) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a tensor, got {type(value).__name__}")
    if not value.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got {value.dtype}")
    if value.ndim not in ndim or value.shape[-1] < 2:
        raise ValueError(f"{name} must have shape {'(N,)' if ndim == (1,) else '(N,) or (S, N)'} with N ≥ 2, "
                         f"got {tuple(value.shape)}")
    return value


def _check_frequencies(frequencies, n: int) -> list[int]:
    frequencies = list(frequencies)
    for k in frequencies:
        if isinstance(k, bool) or not isinstance(k, int):
            raise TypeError(f"frequencies must be ints, got {k!r}")
        if not 0 <= k <= n / 2:
            raise ValueError(f"frequency {k} cannot be resolved on {n} points: use 0 ≤ k ≤ {n / 2:g}")
    return frequencies


def uniform_angles(n: int, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    """``n`` equally spaced angles ``t_j = 2πj/n``: ``(n,)``."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise ValueError(f"n must be an int ≥ 2, got {n!r}")
    return torch.arange(n, dtype=dtype) * (2 * math.pi / n)


def on_circle(angles: torch.Tensor) -> torch.Tensor:
    """The points ``(cos t, sin t)`` of the unit circle: ``angles: (N,) → (N, 2)``."""
    angles = _check_vector("angles", angles)
    return torch.stack([angles.cos(), angles.sin()], dim=1)


def fourier_amplitudes(values: torch.Tensor, frequencies) -> torch.Tensor:
    """Length of the projection of ``values`` (sampled on :func:`uniform_angles`) onto each frequency.

    ``values: (N,)`` or ``(S, N)`` → ``(F,)`` or ``(S, F)``: for ``k > 0`` the Euclidean norm of the
    projection onto the span of ``cos kt`` and ``sin kt`` (``√(2/N)·|DFT_k|``); for ``k = 0`` and ``k = N/2``,
    where only the cosine survives the sampling, onto it (``|DFT_k|/√N``). Frequencies: ``0 ≤ k ≤ N/2``.
    """
    values = _check_vector("values", values, ndim=(1, 2))
    n = values.shape[-1]
    frequencies = _check_frequencies(frequencies, n)
    spectrum = torch.fft.rfft(values.double(), dim=-1).abs()
    scale = torch.tensor([1 / math.sqrt(n) if k in (0, n / 2) else math.sqrt(2 / n) for k in frequencies], dtype=torch.float64)
    return spectrum[..., frequencies] * scale


def circulant_eigenvalues(kernel_row: torch.Tensor, frequencies) -> torch.Tensor:
    """Eigenvalue ``λ_k = Σ_j Θ(t₀, t_j) cos(k t_j)`` of the circulant kernel matrix whose first row is
    ``kernel_row: (N,)``, for each frequency ``0 ≤ k ≤ N/2``: ``→ (F,)``. Each ``0 < k < N/2`` is a double
    eigenvalue (``cos kt`` and ``sin kt``)."""
    kernel_row = _check_vector("kernel_row", kernel_row)
    frequencies = _check_frequencies(frequencies, len(kernel_row))
    return torch.fft.rfft(kernel_row.double()).real[frequencies]
