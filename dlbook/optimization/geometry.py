"""The geometry of a loss surface: straight paths, curvature along the sharpest direction, saddles.

Everything works on the loss as a function of one flat parameter vector
``θ: (P,)`` (:func:`flat_loss` builds it from a model), so the same tools apply
to a network and to a two-dimensional test function.
"""
from __future__ import annotations

from typing import Callable, Sequence

import torch
from torch import nn

from ..backprop import hvp
from ..probe import flat_parameters, parameters_from_flat

FlatLoss = Callable[[torch.Tensor], torch.Tensor]


def _vector(name: str, theta) -> torch.Tensor:
    theta = torch.as_tensor(theta)
    if theta.dim() != 1 or not theta.is_floating_point():
        raise ValueError(f"{name} must be a flat floating-point vector (P,), got shape {tuple(theta.shape)}")
    return theta


def flat_loss(model: nn.Module, loss_fn: Callable, X: torch.Tensor, y: torch.Tensor) -> FlatLoss:
    """``L(θ) = loss_fn(model_θ(X), y)`` as a function of a flat ``θ: (P,) -> ()``.

    ``θ`` is cut into the shapes of ``model.parameters()`` (the order of
    :func:`dlbook.probe.flat_parameters`) and run with ``torch.func.functional_call``,
    so the model itself is never changed and ``L`` can be differentiated twice.
    """

    def loss(theta: torch.Tensor) -> torch.Tensor:
        params = parameters_from_flat(model, theta)
        return loss_fn(torch.func.functional_call(model, params, (X,)), y)

    return loss


def linear_path(loss: FlatLoss, theta0, theta1, alphas: Sequence[float]) -> torch.Tensor:
    """``L((1 − α) θ₀ + α θ₁)`` for each ``α`` in ``alphas``: ``(len(alphas),)``.

    With ``θ₀`` the initialisation and ``θ₁`` the trained solution this is the
    straight-line probe of Goodfellow, Vinyals & Saxe (2015).
    """
    theta0, theta1 = _vector("theta0", theta0), _vector("theta1", theta1)
    if theta0.shape != theta1.shape:
        raise ValueError(f"theta0 and theta1 differ in shape: {tuple(theta0.shape)} vs {tuple(theta1.shape)}")
    with torch.no_grad():
        return torch.stack([loss((1 - a) * theta0 + a * theta1).detach() for a in alphas])


def hessian_vector_product(loss: FlatLoss, theta, v: torch.Tensor) -> torch.Tensor:
    """``H v`` with ``H = ∇²L(θ)``, by differentiating ``∇L(θ)·v`` once more: ``(P,)``, two backward passes."""
    theta, v = _vector("theta", theta), _vector("v", v)
    if theta.shape != v.shape:
        raise ValueError(f"v must have the shape of theta {tuple(theta.shape)}, got {tuple(v.shape)}")
    return hvp(loss, theta, v)  # chapter 2's double backprop


def top_hessian_eigenvalue(loss: FlatLoss, theta, iterations: int = 100, seed: int = 0,
                           tol: float = 1e-6) -> tuple[float, torch.Tensor]:
    """The eigenvalue of ``∇²L(θ)`` largest in magnitude and its unit eigenvector, by power iteration.

    Each iteration is one Hessian-vector product, so the Hessian is never formed.
    Near a minimum the largest-magnitude eigenvalue is the largest one, the
    sharpness ``λ_max``. Stops when the Rayleigh quotient changes by less than
    ``tol`` (relative) or after ``iterations`` products.
    """
    theta = _vector("theta", theta)
    if not isinstance(iterations, int) or isinstance(iterations, bool) or iterations < 1:
        raise ValueError(f"iterations must be a positive int, got {iterations!r}")
    v = torch.randn(theta.shape, generator=torch.Generator().manual_seed(seed), dtype=theta.dtype)
    v = v / v.norm()
    value = 0.0
    for _ in range(iterations):
        Hv = hessian_vector_product(loss, theta, v)
        new = float(v @ Hv)                                  # Rayleigh quotient vᵀHv
        v = Hv / Hv.norm()
        if abs(new - value) <= tol * abs(new):
            value = new
            break
        value = new
    return value, v


def perturbed_loss_increase(loss: FlatLoss, theta, radius: float, draws: int = 20, seed: int = 0) -> torch.Tensor:
    """``L(θ + ε u) − L(θ)`` for ``draws`` directions ``u`` uniform on the unit sphere: ``(draws,)``.

    For small ``ε = radius`` near a minimum the mean is about ``ε² tr(H) / (2P)``:
    a sharpness measure that needs only forward passes.
    """
    theta = _vector("theta", theta)
    if not radius > 0:
        raise ValueError(f"radius must be > 0, got {radius!r}")
    u = torch.randn(draws, theta.numel(), generator=torch.Generator().manual_seed(seed), dtype=theta.dtype)
    u = u / u.norm(dim=1, keepdim=True)
    with torch.no_grad():
        base = loss(theta)
        return torch.stack([loss(theta + radius * d) - base for d in u])


def saddle(x: torch.Tensor) -> torch.Tensor:
    """``f(x, y) = x²/2 − y²/2 + y⁴/4``, ``x: (..., 2) -> (...)``.

    A saddle at the origin (Hessian ``diag(1, −1)``) between two minima at
    ``(0, ±1)`` with ``f = −1/4``.
    """
    if x.shape[-1] != 2:
        raise ValueError(f"saddle takes points of shape (..., 2), got {tuple(x.shape)}")
    return 0.5 * x[..., 0] ** 2 - 0.5 * x[..., 1] ** 2 + 0.25 * x[..., 1] ** 4


def model_parameters(model: nn.Module) -> torch.Tensor:
    """The flat ``θ: (P,)`` that :func:`flat_loss` expects for ``model`` (a copy, detached)."""
    return flat_parameters(model)  # torch.cat already copies
