"""Polynomial regression on Legendre features: the model whose size the chapter turns up and down."""
from __future__ import annotations

import torch


def legendre_features(x: torch.Tensor, degree: int) -> torch.Tensor:
    """Legendre polynomials ``P_0 … P_degree`` of ``x`` in [-1, 1]: ``(N,)`` or ``(N, 1)`` → ``(N, degree + 1)``."""
    if not isinstance(degree, int) or degree < 0:
        raise ValueError(f"degree must be a non-negative int, got {degree!r}")
    x = torch.as_tensor(x).reshape(-1)
    columns = [torch.ones_like(x), x]
    for k in range(1, degree):                                # (k+1)P_{k+1} = (2k+1)x P_k − k P_{k−1}
        columns.append(((2 * k + 1) * x * columns[k] - k * columns[k - 1]) / (k + 1))
    return torch.stack(columns[: degree + 1], dim=1)


def legendre_fit(x: torch.Tensor, y: torch.Tensor, degree: int, x_eval: torch.Tensor) -> torch.Tensor:
    """Least-squares polynomial fit on Legendre features of ``2x − 1`` (inputs in [0, 1]), evaluated at ``x_eval``.

    ``x: (n, 1)``, ``y: (n, 1)``, ``x_eval: (m, 1)`` → ``(m, 1)``; a batch of data sets works too:
    ``x, y: (B, n, 1)`` → ``(B, m, 1)``, one fit per set. Computed in float64.
    """
    x, y, x_eval = (torch.as_tensor(t, dtype=torch.float64) for t in (x, y, x_eval))
    if x.shape != y.shape or x.shape[-1] != 1 or x.ndim not in (2, 3):
        raise ValueError(f"need x and y of shape (n, 1) or (B, n, 1), got {tuple(x.shape)} and {tuple(y.shape)}")
    Phi = legendre_features(2 * x - 1, degree).reshape(*x.shape[:-1], degree + 1)     # (..., n, degree + 1)
    w = torch.linalg.lstsq(Phi, y).solution                                            # (..., degree + 1, 1)
    return legendre_features(2 * x_eval - 1, degree) @ w
