"""Loss surfaces to test optimisers on, and the paths optimisers take across them.

:class:`Quadratic` is the bowl ``½ xᵀAx`` with a chosen spectrum (and so a chosen
condition number κ), :func:`rosenbrock` the classic curved valley.
:func:`trajectory` runs any ``torch.optim.Optimizer`` across a function of a
point, :func:`parameter_path` across the squared error of a model, recording
where the parameters are after every step.
"""
from __future__ import annotations

import copy
import math
from typing import Callable, Iterable, Sequence

import torch
from torch import nn

from ..probe import flat_parameters

Function = Callable[[torch.Tensor], torch.Tensor]
MakeOptimizer = Callable[[Iterable[torch.Tensor]], torch.optim.Optimizer]


def _check_steps(steps) -> None:
    if not isinstance(steps, int) or isinstance(steps, bool) or steps < 0:
        raise ValueError(f"steps must be a non-negative int, got {steps!r}")


# ---------------------------------------------------------------- landscapes

class Quadratic:
    """``f(x) = ½ xᵀAx`` with ``A = R diag(λ) Rᵀ``: eigenvalues ``λ`` along axes rotated by ``angle`` (2-D).

    ``x: (..., d) -> (...)``, so it evaluates a whole grid of points at once.
    """

    def __init__(self, eigenvalues: Sequence[float], angle: float = 0.0):
        lam = torch.as_tensor(eigenvalues, dtype=torch.float64).reshape(-1)
        if lam.numel() == 0 or not (lam > 0).all():
            raise ValueError(f"eigenvalues must be positive (a convex bowl), got {lam.tolist()}")
        if angle and lam.numel() != 2:
            raise ValueError(f"angle rotates a 2-D quadratic only; got {lam.numel()} eigenvalues")
        c, s = math.cos(angle), math.sin(angle)
        R = torch.tensor([[c, -s], [s, c]], dtype=torch.float64) if lam.numel() == 2 else torch.eye(lam.numel(), dtype=torch.float64)
        self.eigenvalues, self.angle = lam, angle
        self.A = R @ torch.diag(lam) @ R.T

    @classmethod
    def with_condition_number(cls, kappa: float, lambda_max: float = 1.0, angle: float = 0.0) -> "Quadratic":
        """The 2-D bowl with ``λ_max = lambda_max`` and ``λ_min = lambda_max / kappa``."""
        if not kappa >= 1:
            raise ValueError(f"the condition number κ = λ_max/λ_min is at least 1, got {kappa!r}")
        return cls([lambda_max, lambda_max / kappa], angle)

    @property
    def kappa(self) -> float:
        return float(self.eigenvalues.max() / self.eigenvalues.min())

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        A = self.A.to(x.dtype)
        return 0.5 * torch.einsum("...i,ij,...j->...", x, A, x)

    def gd_rate(self, lr: float) -> float:
        """The factor gradient descent shrinks the error by per step: ``max_i |1 − ηλ_i|``."""
        return float((1 - lr * self.eigenvalues).abs().max())


def rosenbrock(x: torch.Tensor, a: float = 1.0, b: float = 100.0) -> torch.Tensor:
    """``(a − x₁)² + b (x₂ − x₁²)²``, ``x: (..., 2) -> (...)``: a curved valley with its minimum at ``(a, a²)``."""
    if x.shape[-1] != 2:
        raise ValueError(f"rosenbrock takes points of shape (..., 2), got {tuple(x.shape)}")
    return (a - x[..., 0]) ** 2 + b * (x[..., 1] - x[..., 0] ** 2) ** 2


# ---------------------------------------------------------------- paths of optimisers

def trajectory(make_optimizer: MakeOptimizer, f: Function, x0, steps: int) -> torch.Tensor:
    """The iterates of an optimiser minimising ``f(x: (d,)) -> ()`` from ``x0``: a ``(steps + 1, d)`` tensor.

    ``make_optimizer([x])`` builds the optimiser, e.g. ``lambda p: optim.SGD(p, lr=0.1)``.
    The run stops early, with a shorter path, once an iterate is no longer finite.
    """
    _check_steps(steps)
    x = torch.as_tensor(x0, dtype=torch.float64).detach().clone().reshape(-1).requires_grad_(True)
    optimizer = make_optimizer([x])
    path = [x.detach().clone()]
    for _ in range(steps):
        optimizer.zero_grad()
        f(x).backward()
        optimizer.step()
        if not torch.isfinite(x).all():
            break
        path.append(x.detach().clone())
    return torch.stack(path)


def parameter_path(make_optimizer: MakeOptimizer, model: nn.Module, X: torch.Tensor, y: torch.Tensor,
                   steps: int = 100) -> torch.Tensor:
    """The parameters of ``model`` before and after each of ``steps`` full-batch steps: ``(steps + 1, P)``.

    The loss is the mean squared error of ``model(X): (N, ...)`` against ``y``
    (same shape). The optimiser ``make_optimizer(params)`` trains a deep copy,
    so ``model`` is left as it was and several optimisers can start from it.
    """
    _check_steps(steps)
    model = copy.deepcopy(model)
    optimizer = make_optimizer(model.parameters())
    path = [flat_parameters(model)]
    for _ in range(steps):
        optimizer.zero_grad()
        prediction = model(X)
        if prediction.shape != y.shape:
            raise ValueError(f"model(X) has shape {tuple(prediction.shape)} but y has {tuple(y.shape)}")
        nn.functional.mse_loss(prediction, y).backward()
        optimizer.step()
        path.append(flat_parameters(model))
    return torch.stack(path)
