"""The multilayer perceptron every chapter builds on, written as torch layers.

Also the forward pass written unit by unit (``z_j = Σ_i w_ji a_i + w_j0``) and
the weight-space symmetries of a hidden layer: sign flips and permutations of
its units leave the network's function unchanged.
"""
from __future__ import annotations

import copy
from typing import Callable, Sequence

import torch
from torch import nn

from .activations import Elementwise

ACTIVATION_MODULES: dict[str, Callable[[], nn.Module]] = {
    "step": lambda: Elementwise("step"),  # the perceptron's threshold: no gradient to train with
    "identity": nn.Identity,
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "gelu": nn.GELU,
    "softplus": nn.Softplus,
}


class MLP(nn.Sequential):
    """``in_features → hidden[0] → … → hidden[-1] → out_features`` with ``activation`` between layers.

    ``x: (N, in_features) → (N, out_features)``. The last layer has no
    activation: it returns scores (logits) or regression outputs.
    """

    def __init__(self, in_features: int, hidden: Sequence[int], out_features: int, activation: str = "relu"):
        if activation not in ACTIVATION_MODULES:
            raise ValueError(f"unknown activation {activation!r}; choose one of {sorted(ACTIVATION_MODULES)}")
        sizes = [in_features, *hidden, out_features]
        if any(not isinstance(s, int) or s < 1 for s in sizes):
            raise ValueError(f"layer sizes must be positive ints, got {sizes}")
        layers: list[nn.Module] = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(fan_in, fan_out))
            if i < len(sizes) - 2:
                layers.append(ACTIVATION_MODULES[activation]())
        super().__init__(*layers)
        self.sizes, self.activation = sizes, activation

    def linears(self) -> list[nn.Linear]:
        """The affine layers, input to output."""
        return [m for m in self if isinstance(m, nn.Linear)]


# ---------------------------------------------------------------- the forward pass, one unit at a time

def _check_mlp(model) -> None:
    if not isinstance(model, MLP):
        raise TypeError(f"model must be a dlbook.perceptron_mlp.MLP, got {type(model).__name__}")


def unit_by_unit(model: MLP, x: torch.Tensor) -> torch.Tensor:
    """The forward pass of one input ``x: (in_features,) → (out_features,)``, written as sums.

    Each layer computes the pre-activations ``z_j = Σ_i w_ji a_i + w_j0`` for every unit ``j``
    with explicit loops, then the activations ``a_j = h(z_j)`` (except after the last layer).
    Slow on purpose: it spells out what ``model(x)`` does with matrices.
    """
    _check_mlp(model)
    if not isinstance(x, torch.Tensor) or x.shape != (model.sizes[0],):
        raise ValueError(f"x must be a tensor of shape ({model.sizes[0]},), got "
                         f"{tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__}")
    layers = list(model)
    a = list(x.detach().to(torch.float64))                       # a^0 = x
    for k, layer in enumerate(layers):
        if isinstance(layer, nn.Linear):
            w, w0 = layer.weight.detach().double(), layer.bias.detach().double()
            a = [sum(w[j, i] * a[i] for i in range(len(a))) + w0[j] for j in range(len(w0))]  # z_j
        else:
            a = [layer(z.reshape(1)).reshape(()) for z in a]  # a_j = h(z_j)
    return torch.stack(a)


# ---------------------------------------------------------------- weight-space symmetries

def _around(model: MLP, layer: int) -> tuple[MLP, nn.Linear, nn.Linear]:
    """A copy of ``model`` and, in it, the Linear layers into and out of hidden layer ``layer``."""
    _check_mlp(model)
    n_hidden = len(model.sizes) - 2
    if isinstance(layer, bool) or not isinstance(layer, int) or not 0 <= layer < n_hidden:
        raise ValueError(f"layer must index a hidden layer, 0 ≤ layer < {n_hidden}, got {layer!r}")
    twin = copy.deepcopy(model)
    linears = twin.linears()
    return twin, linears[layer], linears[layer + 1]


def _unit(model: MLP, layer: int, unit: int) -> None:
    width = model.sizes[layer + 1]
    if isinstance(unit, bool) or not isinstance(unit, int) or not 0 <= unit < width:
        raise ValueError(f"unit must lie in [0, {width}) for hidden layer {layer}, got {unit!r}")


def flip_sign(model: MLP, layer: int, unit: int) -> MLP:
    """A copy with hidden unit ``unit`` of hidden layer ``layer`` negated: its incoming weights and bias,
    and its outgoing weights. The function is unchanged when ``h`` is odd (``tanh(−z) = −tanh(z)``)."""
    twin, into, out_of = _around(model, layer)
    _unit(model, layer, unit)
    with torch.no_grad():
        into.weight[unit] *= -1
        into.bias[unit] *= -1
        out_of.weight[:, unit] *= -1
    return twin


def permute_units(model: MLP, layer: int, perm: Sequence[int]) -> MLP:
    """A copy whose hidden layer ``layer`` holds its units in the order ``perm`` (new unit j is old unit
    ``perm[j]``), with the outgoing weights reordered to match. The function is unchanged for every ``h``."""
    twin, into, out_of = _around(model, layer)
    width = model.sizes[layer + 1]
    order = torch.as_tensor(list(perm), dtype=torch.long)
    if order.shape != (width,) or not torch.equal(order.sort().values, torch.arange(width)):
        raise ValueError(f"perm must be a permutation of range({width}), got {list(perm)}")
    with torch.no_grad():
        into.weight.copy_(into.weight[order])
        into.bias.copy_(into.bias[order])
        out_of.weight.copy_(out_of.weight[:, order])
    return twin


def scale_unit(model: MLP, layer: int, unit: int, factor: float) -> MLP:
    """A copy with the incoming weights and bias of a hidden unit times ``factor > 0`` and its outgoing
    weights divided by it. Unchanged function when ``h(c·z) = c·h(z)`` for ``c > 0`` (ReLU, leaky ReLU)."""
    if not factor > 0:
        raise ValueError(f"factor must be positive, got {factor!r}")
    twin, into, out_of = _around(model, layer)
    _unit(model, layer, unit)
    with torch.no_grad():
        into.weight[unit] *= factor
        into.bias[unit] *= factor
        out_of.weight[:, unit] /= factor
    return twin
