"""Weight normalisation from scratch (Salimans & Kingma 2016): ``w = g · v / ‖v‖``.

A *parametrisation*: the layer keeps ``g`` and ``v`` and computes the weight it uses from
them on every forward pass. It plugs into ``torch.nn.utils.parametrize`` exactly as
PyTorch's own version does, with the same parameter names, so state dicts move between
the two.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils import parametrize


def _others(v: torch.Tensor, dim: int | None) -> tuple[int, ...]:
    return tuple(d for d in range(v.ndim) if d != dim)


def _norm_except(v: torch.Tensor, dim: int | None) -> torch.Tensor:
    """‖v‖ over every axis but ``dim``, kept as size-1 axes to broadcast against ``v`` (a scalar for ``dim=None``)."""
    return v.square().sum(dim=_others(v, dim), keepdim=dim is not None).sqrt()


class WeightNorm(nn.Module):
    """``w = g · v / ‖v‖``, one norm per slice of ``v`` along ``dim`` (per output unit when ``dim=0``;
    one norm of the whole tensor when ``dim=None``).

    ``g``: the weight's shape with 1 on every axis but ``dim``; ``v``: the weight's shape.
    """

    def __init__(self, dim: int | None = 0):
        super().__init__()
        self.dim = dim

    def forward(self, g: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        return g * v / _norm_except(v, self.dim)

    def right_inverse(self, w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The ``(g, v)`` that give ``w``: its norms and itself."""
        return _norm_except(w, self.dim), w


def weight_norm(module: nn.Module, name: str = "weight", dim: int | None = 0) -> nn.Module:
    """Reparametrise ``module.<name>`` as ``g v/‖v‖``; ``g`` and ``v`` become
    ``module.parametrizations.<name>.original0`` and ``.original1``. Returns ``module``."""
    weight = getattr(module, name, None)
    if not isinstance(weight, torch.Tensor) or weight.ndim < 1:
        raise ValueError(f"{type(module).__name__} has no tensor parameter {name!r} to normalise")
    if dim is not None and not 0 <= dim < weight.ndim:
        raise ValueError(f"dim {dim} is out of range for a weight of shape {tuple(weight.shape)}: use an axis "
                         "in [0, ndim) or dim=None for one norm over the whole tensor (torch reads dim=-1 as None)")
    parametrize.register_parametrization(module, name, WeightNorm(dim), unsafe=True)
    return module


def weight_norm_grads(g: torch.Tensor, v: torch.Tensor, grad_w: torch.Tensor, dim: int | None = 0):
    """The loss gradients with respect to ``g`` and ``v`` given the gradient ``grad_w`` with respect to ``w``.

    ``∇_g L = ⟨∇_w L, v⟩ / ‖v‖`` and ``∇_v L = (g/‖v‖) ∇_w L − (g ∇_g L/‖v‖²) v``, per slice along ``dim``.
    Shapes as in :class:`WeightNorm`; returns ``(grad_g, grad_v)``.
    """
    norm = _norm_except(v, dim)
    grad_g = (grad_w * v).sum(dim=_others(v, dim), keepdim=dim is not None) / norm
    grad_v = g / norm * grad_w - g * grad_g / norm**2 * v
    return grad_g, grad_v


@torch.no_grad()
def data_dependent_init_(module: nn.Module, x: torch.Tensor) -> nn.Module:
    """Salimans and Kingma's initialisation of a weight-normalised ``Linear``/``Conv`` layer from a batch ``x``.

    Sets ``g = 1/σ`` and ``b = −μ/σ``, where μ and σ are the per-output-unit mean and
    standard deviation of ``v·x/‖v‖`` over the batch (and positions), so that the layer's
    outputs on ``x`` have zero mean and unit variance. Returns ``module``.
    """
    weights = getattr(getattr(module, "parametrizations", None), "weight", None)
    if weights is None or not isinstance(weights[0], WeightNorm) or weights[0].dim != 0:
        raise ValueError("data_dependent_init_ needs a layer with weight_norm(layer, dim=0) applied")
    if getattr(module, "bias", None) is None:
        raise ValueError("data_dependent_init_ needs a layer with a bias")
    g = weights.original0
    g.fill_(1.0)
    module.bias.zero_()
    t = module(x)  # = v·x/‖v‖ now that g = 1 and b = 0
    dims = (0, *range(2, t.ndim))
    mean, std = t.mean(dim=dims), t.std(dim=dims, correction=0)
    g.copy_((1.0 / std).view_as(g))
    module.bias.copy_(-mean / std)
    return module
