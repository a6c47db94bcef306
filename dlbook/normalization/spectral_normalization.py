"""Spectral normalisation from scratch (Miyato et al. 2018): ``W / σ(W)``, σ by power iteration,
and :func:`lipschitz_bounds`, which measures what it does to a whole network.

Like PyTorch's version it is a ``torch.nn.utils.parametrize`` parametrisation with the
same buffer names (``_u``, ``_v``), so state dicts move between the two.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils import parametrize


def power_iteration(W: torch.Tensor, v: torch.Tensor, n_iterations: int = 1, eps: float = 1e-12):
    """Estimate the largest singular value σ of ``W: (out, in)`` from a start vector ``v: (in,)``.

    Repeats ``u ← Wv/‖Wv‖``, ``v ← Wᵀu/‖Wᵀu‖`` and returns ``(σ ≈ uᵀWv, u: (out,), v: (in,))``.
    A batch of matrices ``W: (..., out, in)`` with start vectors ``v: (..., in)`` is iterated at once,
    each matrix on its own: ``σ: (...)``, ``u: (..., out)``, ``v: (..., in)``.
    """
    if W.ndim < 2 or v.shape != W.shape[:-2] + W.shape[-1:]:
        raise ValueError(f"need a matrix W and a vector v with W.shape[-1] entries, got {tuple(W.shape)} and {tuple(v.shape)}")
    if not isinstance(n_iterations, int) or n_iterations < 1:
        raise ValueError(f"n_iterations must be a positive int, got {n_iterations!r}")
    for _ in range(n_iterations):
        u = F.normalize((W @ v.unsqueeze(-1)).squeeze(-1), dim=-1, eps=eps)
        v = F.normalize((W.mT @ u.unsqueeze(-1)).squeeze(-1), dim=-1, eps=eps)
    return (u.unsqueeze(-2) @ W @ v.unsqueeze(-1))[..., 0, 0], u, v


def matrix_with_gap(gap: float, rows: int = 20, cols: int = 30, seed: int = 0) -> torch.Tensor:
    """A float64 ``(rows, cols)`` matrix with σ₁ = 2 and σ₂ = 2·gap, to watch power iteration converge.

    The other ``rows − 2`` singular values are spread evenly from 1.5·gap down to 0.1, so
    ``gap`` = σ₂/σ₁ sets the rate (``gap = 1`` ties the top two). Random orthonormal singular
    vectors, reproducible from ``seed``.
    """
    if not 0.05 <= gap <= 1:
        raise ValueError(f"gap = σ₂/σ₁ must lie in [0.05, 1] (so that σ₂ stays the second largest), got {gap}")
    if not 3 <= rows <= cols:
        raise ValueError(f"need 3 <= rows <= cols, got rows={rows}, cols={cols}")
    gen = torch.Generator().manual_seed(seed)
    U, _ = torch.linalg.qr(torch.randn(rows, rows, generator=gen, dtype=torch.float64))
    V, _ = torch.linalg.qr(torch.randn(cols, rows, generator=gen, dtype=torch.float64))  # orthonormal columns
    rest = torch.linspace(1.5 * gap, 0.1, rows - 2, dtype=torch.float64)
    values = torch.cat([torch.tensor([2.0, 2.0 * gap], dtype=torch.float64), rest])
    return U @ torch.diag(values) @ V.T


class SpectralNorm(nn.Module):
    """``W / σ(W)``, with σ estimated by one step of power iteration per training forward pass.

    The vectors ``u`` and ``v`` persist between steps (buffers ``_u``, ``_v``), so a few
    iterations per step suffice while the weight changes slowly. In evaluation they stay fixed.
    A weight with more than two axes (a convolution kernel) is read as a matrix ``(out, rest)``.
    With ``batch_dims = k`` the first ``k`` axes index separate weights, each normalised by its own σ
    (``_u: (*batch, out)``, ``_v: (*batch, rest)``); ``dim`` then counts from the axis after them.
    """

    def __init__(self, weight: torch.Tensor, n_power_iterations: int = 1, dim: int = 0, eps: float = 1e-12,
                 warmup_iterations: int = 15, batch_dims: int = 0):
        super().__init__()
        if isinstance(batch_dims, bool) or not isinstance(batch_dims, int) or batch_dims < 0:
            raise ValueError(f"batch_dims must be a non-negative int, got {batch_dims!r}")
        if weight.ndim < 2 + batch_dims:
            raise ValueError(f"spectral_norm needs a weight with at least {2 + batch_dims} axes, "
                             f"got shape {tuple(weight.shape)}")
        if not isinstance(n_power_iterations, int) or n_power_iterations < 1:
            raise ValueError(f"n_power_iterations must be a positive int, got {n_power_iterations!r}")
        self.batch_dims, self.eps, self.n_power_iterations = batch_dims, eps, n_power_iterations
        self.dim = batch_dims + dim % (weight.ndim - batch_dims)
        *batch, rows, cols = self._matrix(weight).shape
        self.register_buffer("_u", F.normalize(weight.new_empty(*batch, rows).normal_(), dim=-1, eps=eps))
        self.register_buffer("_v", F.normalize(weight.new_empty(*batch, cols).normal_(), dim=-1, eps=eps))
        self._iterate(self._matrix(weight.detach()), warmup_iterations)

    def _matrix(self, weight: torch.Tensor) -> torch.Tensor:
        return weight.movedim(self.dim, self.batch_dims).flatten(self.batch_dims + 1)  # (*batch, out, rest)

    @torch.no_grad()
    def _iterate(self, W: torch.Tensor, n: int) -> None:
        _, u, v = power_iteration(W, self._v, n, self.eps)
        self._u.copy_(u)
        self._v.copy_(v)

    def forward(self, weight: torch.Tensor) -> torch.Tensor:
        W = self._matrix(weight)
        if self.training:
            self._iterate(W.detach(), self.n_power_iterations)
        # u and v are constants for the gradient (cloned, as the next step updates them in place)
        sigma = (self._u.clone().unsqueeze(-2) @ W @ self._v.clone().unsqueeze(-1))[..., 0, 0]  # (*batch,)
        return weight / sigma.view(sigma.shape + (1,) * (weight.ndim - self.batch_dims))

    def right_inverse(self, weight: torch.Tensor) -> torch.Tensor:
        return weight


def spectral_norm(module: nn.Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
                  dim: int | None = None) -> nn.Module:
    """Reparametrise ``module.<name>`` as ``W / σ(W)`` so the layer is (about) 1-Lipschitz. Returns ``module``.

    ``dim`` is the output axis: 0, or 1 for transposed convolutions (the default picks).
    """
    weight = getattr(module, name, None)
    if not isinstance(weight, torch.Tensor):
        raise ValueError(f"{type(module).__name__} has no tensor parameter {name!r} to normalise")
    if dim is None:
        dim = 1 if isinstance(module, (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)) else 0
    parametrize.register_parametrization(module, name, SpectralNorm(weight, n_power_iterations, dim, eps))
    return module


# ------------------------------------------------------------------ measuring a network's Lipschitz constant

_ONE_LIPSCHITZ = (nn.ReLU, nn.LeakyReLU, nn.Tanh, nn.Sigmoid, nn.Identity)


class LipschitzBounds(NamedTuple):
    """Lower and upper bounds on a network's Lipschitz constant."""

    lower: float  # the largest stretch measured: max over the inputs of ‖∂f/∂x‖₂
    upper: float  # the composition bound: the product of the layers' spectral norms


def lipschitz_bounds(model: nn.Sequential, inputs: torch.Tensor) -> LipschitzBounds:
    """Two numbers that bracket the Lipschitz constant of a ``Linear``/activation stack, in evaluation mode.

    ``model``: an ``nn.Sequential`` of ``nn.Linear`` layers and 1-Lipschitz activations,
    ``(N, in_features) → (N, out_features)``; ``inputs: (N, in_features)``. The lower bound is
    the largest spectral norm of the Jacobian ``(out_features, in_features)`` over the inputs;
    the upper bound is ``∏ ‖W_l‖₂`` (biases do not matter). The model's mode is restored after.
    """
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"model must be an nn.Sequential of Linear layers and activations, got {type(model).__name__}")
    for layer in model:
        if not isinstance(layer, (nn.Linear, *_ONE_LIPSCHITZ)) or abs(getattr(layer, "negative_slope", 0.0)) > 1:
            raise ValueError(f"the composition bound needs Linear layers and 1-Lipschitz activations, got {layer}")
    if inputs.ndim != 2:
        raise ValueError(f"inputs must be a batch of vectors (N, in_features), got shape {tuple(inputs.shape)}")
    was_training = model.training
    model.eval()  # a spectral-normalised weight runs no power iteration in evaluation
    try:
        with torch.no_grad():
            upper = math.prod(float(torch.linalg.matrix_norm(layer.weight, 2)) for layer in model
                              if isinstance(layer, nn.Linear))
        jacobians = torch.func.vmap(torch.func.jacrev(model))(inputs)  # (N, out_features, in_features)
        lower = float(torch.linalg.matrix_norm(jacobians.detach(), 2).max())
    finally:
        model.train(was_training)
    return LipschitzBounds(lower, upper)
