"""What gradient descent on the squared error does to a linear model in function space, in closed form.

With the loss ``L = (1/2N) Σₙ (f(xₙ) − yₙ)²`` and a model linear in its parameters with tangent kernel
``Θ``, one step of size ``η`` moves the training outputs by ``−(η/N) Θ(X, X)(f(X) − y)``, so after ``t``
steps the residual is ``(I − ηΘ/N)ᵗ (f₀(X) − y)``, and at any other input

    f_t(x) = f₀(x) + Θ(x, X) Θ(X, X)⁻¹ (I − (I − ηΘ(X, X)/N)ᵗ) (y − f₀(X)).

As ``t → ∞`` this is kernel regression, ``f₀(x) + Θ(x, X) Θ(X, X)⁻¹ (y − f₀(X))``.
"""
from __future__ import annotations

import torch

from ._args import check_nonnegative, check_positive_int


def _check_matrix(name: str, value, shape: tuple[int | None, ...]) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a tensor, got {type(value).__name__}")
    if not value.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got {value.dtype}")
    if value.ndim != len(shape) or any(s is not None and s != v for s, v in zip(shape, value.shape)):
        wanted = "(" + ", ".join("·" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
        raise ValueError(f"{name} must have shape {wanted}, got {tuple(value.shape)}")
    return value


def ntk_prediction(k_test_train: torch.Tensor, k_train_train: torch.Tensor, y_train: torch.Tensor, *,
                   f0_test: torch.Tensor | None = None, f0_train: torch.Tensor | None = None,
                   lr: float | None = None, steps: int | None = None) -> torch.Tensor:
    """Outputs of the linearised model after ``steps`` gradient-descent steps of size ``lr`` (the formula above).

    ``k_test_train: (M, N)``, ``k_train_train: (N, N)`` (symmetric positive semi-definite),
    ``y_train: (N,)``, ``f0_test: (M,)`` and ``f0_train: (N,)`` the initial outputs (zero if omitted)
    → ``(M,)``. ``steps=None`` gives the limit ``t → ∞`` (directions with eigenvalue below
    ``1e-10·λ_max`` are left out, as a pseudo-inverse does); otherwise ``lr`` is required.
    Computed in float64.
    """
    n = len(y_train) if isinstance(y_train, torch.Tensor) else None
    _check_matrix("y_train", y_train, (None,))
    _check_matrix("k_train_train", k_train_train, (n, n))
    m = len(k_test_train) if isinstance(k_test_train, torch.Tensor) else None
    _check_matrix("k_test_train", k_test_train, (None, n))
    f0_test = torch.zeros(m, dtype=torch.float64) if f0_test is None else _check_matrix("f0_test", f0_test, (m,))
    f0_train = torch.zeros(n, dtype=torch.float64) if f0_train is None else _check_matrix("f0_train", f0_train, (n,))
    if steps is not None:
        check_positive_int("steps", steps, minimum=0)
        if lr is None:
            raise ValueError("a finite number of steps needs the learning rate lr")
        check_nonnegative("lr", lr, positive=True)
    k, kx = k_train_train.double(), k_test_train.double()
    if not torch.allclose(k, k.T, rtol=1e-6, atol=1e-8 * float(k.abs().max())):
        raise ValueError("k_train_train must be symmetric")
    eigenvalues, vectors = torch.linalg.eigh(k)
    lam = eigenvalues.clamp_min(0.0)
    if steps is None:
        keep = lam > 1e-10 * float(lam.max())
        gain = torch.where(keep, 1.0 / torch.where(keep, lam, 1.0), 0.0)
    else:
        # (1 − (1 − ηλ/N)ᵗ)/λ, written to stay accurate for tiny λ (where it tends to tη/N)
        a = lr * lam / n
        if (a >= 2).any():
            raise ValueError(f"lr = {lr} diverges: lr·λ_max/N = {float(a.max()):.3g} must stay below 2")
        # (1 − (1 − ηλ/N)ᵗ)/λ, written to stay accurate for tiny λ (where it tends to tη/N)
        small = -torch.expm1(steps * torch.log1p(-a.clamp_max(0.5)))
        decayed = torch.where(a <= 0.5, small, 1.0 - (1.0 - a) ** steps)
        gain = torch.where(lam > 0, decayed / torch.where(lam > 0, lam, 1.0), steps * lr / n)
    residual = y_train.double() - f0_train.double()
    return f0_test.double() + kx @ (vectors @ (gain * (vectors.T @ residual)))
