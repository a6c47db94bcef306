"""Random-features regression: a frozen random hidden layer and a minimum-norm
least-squares output layer.

The model is ``f(x) = φ(x)ᵀw`` with ``φ(x) = √(2/P)·h(Wx + b)``: ``W`` and ``b`` are drawn
once and never trained, ``h`` is ReLU (``b = 0``) or a cosine (random Fourier features,
``b ~ U(0, 2π)``). Only ``w`` is fitted, by the minimum-norm least-squares solution
``w = Φ⁺t``, which interpolates the training targets as soon as ``P ≥ N`` (generic
features). Sweeping ``P`` through ``N`` gives the double-descent curve in closed form,
with no training loop.
"""

from __future__ import annotations

import math

import torch

from .penalties import least_squares_data

KINDS = ("relu", "fourier")


class RandomFeatures:
    """A fixed random feature map ``x: (N, D) → Φ: (N, P)``, reproducible from ``seed``.

    ``feature_map(x, P)`` uses the first ``P`` of the ``num_features`` random units
    (rescaled by ``√(2/P)``), so a sweep over ``P`` compares nested models that share
    their features.
    """

    def __init__(
        self, in_features: int, num_features: int, kind: str = "relu", seed: int = 0
    ):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        if in_features < 1 or num_features < 1:
            raise ValueError(
                f"in_features and num_features must be positive, got "
                f"{in_features} and {num_features}"
            )
        gen = torch.Generator().manual_seed(seed)
        self.kind, self.in_features, self.num_features = kind, in_features, num_features
        # weights of variance 1/D, so Wx has unit variance for standard-normal inputs
        self.weight = torch.randn(
            num_features, in_features, generator=gen, dtype=torch.float64
        ) / math.sqrt(in_features)
        self.bias = (
            2 * math.pi * torch.rand(num_features, generator=gen, dtype=torch.float64)
            if kind == "fourier"
            else torch.zeros(num_features, dtype=torch.float64)
        )

    def __call__(self, x: torch.Tensor, num_features: int | None = None) -> torch.Tensor:
        """``(N, D) → (N, P)``: the first ``P = num_features`` features (default: all)."""
        P = self.num_features if num_features is None else num_features
        if not 1 <= P <= self.num_features:
            raise ValueError(
                f"num_features must lie in [1, {self.num_features}], got {P}"
            )
        x = torch.as_tensor(x, dtype=torch.float64)
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(
                f"x must have shape (N, {self.in_features}), got {tuple(x.shape)}"
            )
        z = x @ self.weight[:P].T + self.bias[:P]
        h = torch.relu(z) if self.kind == "relu" else torch.cos(z)
        return math.sqrt(2 / P) * h


def min_norm_fit(features: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """The least-squares solution of smallest norm, ``w = Φ⁺t``. ``(N, P), (N,) → (P,)``.

    For ``P < N`` (full column rank) it is the ordinary least-squares fit; for ``P ≥ N``
    (full row rank) it interpolates, ``Φw = t``, and among all interpolants has the
    smallest ``‖w‖``.
    """
    Phi, t = least_squares_data(features, targets)  # (N, P), (N,)
    return torch.linalg.pinv(Phi) @ t


def random_features_curve(
    feature_map: RandomFeatures, train: tuple, test: tuple, sizes, lam: float = 0.0
) -> dict[str, torch.Tensor]:
    """Fit the output weights for every number of features ``P`` in ``sizes``; measure.

    ``lam = 0``: the minimum-norm least-squares fit ``Φ⁺t``; ``lam > 0``: the ridge fit of
    ``(1/N)‖t − Φw‖² + (λ/2)‖w‖²`` (``penalties.ridge``). ``train = (X, t)`` and
    ``test = (X, t)`` with ``X: (N, D)``. Returns ``{"train": …, "test": …, "norm": …}``,
    each ``(len(sizes),)``: the training MSE, the test MSE and ``‖w‖``.
    """
    from .penalties import ridge  # the L2-penalised fit, in the book's (λ/2) convention

    (X_tr, t_tr), (X_te, t_te) = train, test
    t_tr = torch.as_tensor(t_tr, dtype=torch.float64).reshape(-1)
    t_te = torch.as_tensor(t_te, dtype=torch.float64).reshape(-1)
    rows = []
    for P in sizes:
        Phi = feature_map(X_tr, P)
        w = min_norm_fit(Phi, t_tr) if lam == 0 else ridge(Phi, t_tr, lam)
        rows.append(
            torch.stack(
                [
                    ((Phi @ w - t_tr) ** 2).mean(),
                    ((feature_map(X_te, P) @ w - t_te) ** 2).mean(),
                    w.norm(),
                ]
            )
        )
    train_mse, test_mse, norm = torch.stack(rows).T
    return {"train": train_mse, "test": test_mse, "norm": norm}


def single_index_data(
    n: int, in_features: int, noise: float, seed: int = 0, teacher_seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` points ``x ~ N(0, I_D)``, targets ``t = tanh(2 βᵀx) + noise·ε``, ``‖β‖ = 1``.

    ``β`` depends only on ``teacher_seed``, so training and test sets drawn with different
    ``seed`` share their truth. Returns ``X: (n, D)`` and ``t: (n,)`` in float64.
    """
    if n < 1 or in_features < 1 or noise < 0:
        raise ValueError(
            f"need n ≥ 1, in_features ≥ 1 and noise ≥ 0, got {n}, {in_features}, {noise}"
        )
    beta = torch.randn(
        in_features,
        generator=torch.Generator().manual_seed(teacher_seed),
        dtype=torch.float64,
    )
    beta = beta / beta.norm()
    gen = torch.Generator().manual_seed(seed)
    X = torch.randn(n, in_features, generator=gen, dtype=torch.float64)
    return X, torch.tanh(2 * X @ beta) + noise * torch.randn(
        n, generator=gen, dtype=torch.float64
    )
