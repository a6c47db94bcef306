"""Curvature: Newton's method, the Wolfe conditions and a backtracking line search.

They work on any smooth ``f(x: (d,)) -> ()``; L2-regularised logistic regression
supplies a convex problem with its gradient and Hessian in closed form. (The test
landscapes and first-order paths across them are in :mod:`dlbook.optimization.landscapes`.)
"""
from __future__ import annotations

from typing import Callable

import torch

Function = Callable[[torch.Tensor], torch.Tensor]


# ---------------------------------------------------------------- a convex problem in closed form

def _check_logistic(w: torch.Tensor, X: torch.Tensor, y: torch.Tensor) -> None:
    if X.ndim != 2 or w.shape != (X.shape[1],) or y.shape != (X.shape[0],):
        raise ValueError(f"logistic regression needs w: (D,), X: (N, D), y: (N,); got w {tuple(w.shape)}, "
                         f"X {tuple(X.shape)}, y {tuple(y.shape)}")


def logistic_loss(w: torch.Tensor, X: torch.Tensor, y: torch.Tensor, l2: float = 0.0) -> torch.Tensor:
    """Mean cross-entropy of ``σ(Xw)`` against ``y ∈ {0, 1}`` plus ``(l2/2)‖w‖²``. ``w: (D,), X: (N, D), y: (N,) -> ()``."""
    _check_logistic(w, X, y)
    z = X @ w
    return (torch.nn.functional.softplus(z) - y * z).mean() + 0.5 * l2 * (w @ w)   # log(1 + eᶻ) − yz


def logistic_grad(w: torch.Tensor, X: torch.Tensor, y: torch.Tensor, l2: float = 0.0) -> torch.Tensor:
    """``∇L = Xᵀ(σ(Xw) − y)/N + l2·w``: ``(D,)``."""
    _check_logistic(w, X, y)
    return X.T @ (torch.sigmoid(X @ w) - y) / len(X) + l2 * w


def logistic_hessian(w: torch.Tensor, X: torch.Tensor, y: torch.Tensor, l2: float = 0.0) -> torch.Tensor:
    """``H = Xᵀ diag(σ(1 − σ)) X / N + l2·I``: ``(D, D)``, positive definite when ``l2 > 0``."""
    _check_logistic(w, X, y)
    s = torch.sigmoid(X @ w)
    return (X.T * (s * (1 - s))) @ X / len(X) + l2 * torch.eye(len(w), dtype=X.dtype)


# ---------------------------------------------------------------- Newton's method

def newton(f: Function, x0, steps: int, *, damping: float = 0.0) -> torch.Tensor:
    """Newton's method ``x ← x − (H + damping·I)⁻¹ ∇f(x)``, derivatives by autograd: ``(steps + 1, d)`` iterates.

    Stops early, with a shorter path, once the gradient is exactly zero.
    """
    if not isinstance(steps, int) or isinstance(steps, bool) or steps < 0:
        raise ValueError(f"steps must be a non-negative int, got {steps!r}")
    if not damping >= 0:
        raise ValueError(f"damping must be >= 0, got {damping!r}")
    x = torch.as_tensor(x0, dtype=torch.float64).detach().clone().reshape(-1)
    path = [x]
    for _ in range(steps):
        g = torch.func.grad(f)(x)
        if not g.any():
            break
        H = torch.func.jacrev(torch.func.jacrev(f))(x) + damping * torch.eye(len(x), dtype=x.dtype)
        x = x - torch.linalg.solve(H, g)          # the minimum of the local quadratic model
        path.append(x)
    return torch.stack(path)


def hessian_by_rows(f: Function, x: torch.Tensor) -> tuple[torch.Tensor, int]:
    """The Hessian of ``f(x: (d,)) -> ()``, one row per backward pass: ``(d, d)`` and the number of passes.

    One backward pass gives ``g = ∇f(x)`` as a graph; row ``i`` is ``∇gᵢ``, one more
    backward pass through that graph. The passes are counted by a hook on ``g``
    (it fires once per backward pass that reaches ``g``), not assumed: ``d`` of them.
    """
    if x.ndim != 1:
        raise ValueError(f"x must be a vector (d,), got shape {tuple(x.shape)}")
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        g, = torch.autograd.grad(f(x), x, create_graph=True)              # ∇f, differentiable again
        passes = [0]
        g.register_hook(lambda grad: passes.__setitem__(0, passes[0] + 1))
        rows = [torch.autograd.grad(g[i], x, retain_graph=True)[0] for i in range(len(x))]   # ∂²f/∂xᵢ∂x
    return torch.stack(rows).detach(), passes[0]


# ---------------------------------------------------------------- line searches

def _slope(f: Function, x: torch.Tensor, p: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``φ(0) = f(x)`` and ``φ'(0) = ∇f(x)ᵀp`` along the direction ``p``."""
    g, value = torch.func.grad_and_value(f)(x)
    return value, g @ p


def wolfe_conditions(f: Function, x: torch.Tensor, p: torch.Tensor, alpha: float, *,
                     c1: float = 1e-4, c2: float = 0.9) -> tuple[bool, bool]:
    """Whether the step ``alpha`` along ``p`` satisfies (sufficient decrease, curvature).

    Sufficient decrease (Armijo): ``f(x + αp) ≤ f(x) + c₁ α ∇f(x)ᵀp``;
    curvature: ``∇f(x + αp)ᵀp ≥ c₂ ∇f(x)ᵀp``, with ``0 < c₁ < c₂ < 1``.
    """
    if not 0 < c1 < c2 < 1:
        raise ValueError(f"the Wolfe constants need 0 < c1 < c2 < 1, got c1={c1!r}, c2={c2!r}")
    phi0, slope0 = _slope(f, x, p)
    phi, slope = _slope(f, x + alpha * p, p)
    return bool(phi <= phi0 + c1 * alpha * slope0), bool(slope >= c2 * slope0)


def backtracking(f: Function, x: torch.Tensor, p: torch.Tensor, *, alpha0: float = 1.0, rho: float = 0.5,
                 c1: float = 1e-4, max_steps: int = 60) -> float:
    """The first of ``alpha0, ρ·alpha0, ρ²·alpha0, …`` that gives sufficient decrease along the descent direction ``p``."""
    if not alpha0 > 0:
        raise ValueError(f"alpha0 must be positive, got {alpha0!r}")
    if not 0 < rho < 1:
        raise ValueError(f"rho must lie in (0, 1), got {rho!r}")
    if not 0 < c1 < 1:
        raise ValueError(f"c1 must lie in (0, 1), got {c1!r}")
    phi0, slope0 = _slope(f, x, p)
    if not slope0 < 0:
        raise ValueError(f"p is not a descent direction: ∇f(x)ᵀp = {float(slope0):.3g} >= 0")
    alpha = alpha0
    for _ in range(max_steps):
        if f(x + alpha * p) <= phi0 + c1 * alpha * slope0:   # Armijo
            return alpha
        alpha *= rho
    raise RuntimeError(f"no sufficient decrease after {max_steps} halvings (last alpha {alpha:.3g})")


def gradient_descent(f: Function, x0, steps: int, *, lr: float | None = None,
                     alpha0: float = 1.0, rho: float = 0.5, c1: float = 1e-4) -> tuple[torch.Tensor, list[float]]:
    """Full-batch gradient descent with a fixed ``lr``, or (``lr=None``) with a backtracking line search.

    Returns the ``(steps + 1, d)`` iterates and the step size used at each step.
    """
    if lr is not None and not lr > 0:
        raise ValueError(f"lr must be positive (or None for a line search), got {lr!r}")
    x = torch.as_tensor(x0, dtype=torch.float64).detach().clone().reshape(-1)
    path, alphas = [x], []
    for _ in range(steps):
        p = -torch.func.grad(f)(x)                 # steepest descent
        if not p.any():
            break
        alpha = lr if lr is not None else backtracking(f, x, p, alpha0=alpha0, rho=rho, c1=c1)
        x = x + alpha * p
        path.append(x)
        alphas.append(alpha)
    return torch.stack(path), alphas
