"""The NTK parameterisation and the standard one: the same functions at initialisation, different gradients.

A dense layer with fan-in ``n`` computes ``z = W a + b``. In the *standard* parameterisation
(PyTorch's) the weights are drawn with variance ``σ_w²/n`` and the layer uses them as they are. In the
*NTK* parameterisation (Jacot et al.) the trainable weights are standard normal and the layer rescales
them in the forward pass: ``z = (σ_w/√n) W a + σ_b b``. At initialisation the two give the same
distribution of functions; but the gradient with respect to the NTK weights is ``σ_w/√n`` times the
standard one, which is what keeps the tangent kernel finite as ``n → ∞``.
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from ._args import check_choice, check_nonnegative, check_positive_int

PARAMETERIZATIONS = ("ntk", "standard")


class NTKLinear(nn.Module):
    """A dense layer ``x: (N, in_features) → (N, out_features)`` in the NTK or the standard parameterisation.

    ``parameterization="ntk"``: ``weight`` and ``bias`` are drawn from ``N(0, 1)`` and the layer computes
    ``(weight_std/√in_features)·x Wᵀ + bias_std·b``. ``"standard"``: ``weight ~ N(0, weight_std²/in_features)``,
    ``bias ~ N(0, bias_std²)`` and the layer computes ``x Wᵀ + b``, exactly as ``nn.Linear``.
    Parameter names and shapes are ``nn.Linear``'s.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, *, parameterization: str = "ntk",
                 weight_std: float = math.sqrt(2.0), bias_std: float = 0.0, device=None, dtype=None):
        super().__init__()
        self.in_features = check_positive_int("in_features", in_features)
        self.out_features = check_positive_int("out_features", out_features)
        self.parameterization = check_choice("parameterization", parameterization, PARAMETERIZATIONS)
        self.weight_std = check_nonnegative("weight_std", weight_std)
        self.bias_std = check_nonnegative("bias_std", bias_std)
        self.weight = nn.Parameter(torch.empty(out_features, in_features, device=device, dtype=dtype))
        self.bias = nn.Parameter(torch.empty(out_features, device=device, dtype=dtype)) if bias else None
        self.reset_parameters()

    @property
    def weight_multiplier(self) -> float:
        """What the forward pass multiplies ``weight`` by: ``σ_w/√n`` (NTK) or 1 (standard)."""
        return self.weight_std / math.sqrt(self.in_features) if self.parameterization == "ntk" else 1.0

    @property
    def bias_multiplier(self) -> float:
        """What the forward pass multiplies ``bias`` by: ``σ_b`` (NTK) or 1 (standard)."""
        return self.bias_std if self.parameterization == "ntk" else 1.0

    def reset_parameters(self) -> None:
        """Draw ``weight`` and ``bias`` afresh, as the parameterisation prescribes."""
        # the product multiplier · parameter has the same distribution in both parameterisations
        with torch.no_grad():
            standard = self.parameterization == "standard"
            self.weight.normal_(0.0, self.weight_std / math.sqrt(self.in_features) if standard else 1.0)
            if self.bias is not None:
                self.bias.normal_(0.0, self.bias_std if standard else 1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        bias = None if self.bias is None else self.bias_multiplier * self.bias
        return F.linear(x, self.weight_multiplier * self.weight, bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}, "
                f"parameterization={self.parameterization!r}, weight_std={self.weight_std:.4g}, "
                f"bias_std={self.bias_std:.4g}")


class NTKMLP(nn.Sequential):
    """A ReLU MLP with ``depth`` hidden layers of ``width`` units, built from :class:`NTKLinear`.

    ``x: (N, in_features) → (N, out_features)``. Layers alternate ``NTKLinear`` and ``nn.ReLU``; the
    last layer is linear. ``weight_std`` (``σ_w``, default ``√2``, He's gain for ReLU) and ``bias_std``
    (``σ_b``) are those of :func:`dlbook.ntk.relu_ntk`, so that its kernel is this network's
    infinite-width limit.
    """

    def __init__(self, in_features: int, width: int, depth: int, out_features: int = 1, *,
                 parameterization: str = "ntk", weight_std: float = math.sqrt(2.0), bias_std: float = 0.0,
                 bias: bool = True, device=None, dtype=None):
        check_positive_int("width", width)
        check_positive_int("depth", depth)
        sizes = [in_features] + [width] * depth + [out_features]
        layers: list[nn.Module] = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(NTKLinear(fan_in, fan_out, bias, parameterization=parameterization, weight_std=weight_std,
                                    bias_std=bias_std, device=device, dtype=dtype))
            if i < depth:
                layers.append(nn.ReLU())
        super().__init__(*layers)
        self.width, self.depth, self.parameterization = width, depth, parameterization

    def to_standard(self) -> "NTKMLP":
        """The same function in the standard parameterisation: every weight times its multiplier."""
        twin = NTKMLP(self[0].in_features, self.width, self.depth, self[-1].out_features, parameterization="standard",
                      weight_std=self[0].weight_std, bias_std=self[0].bias_std, bias=self[0].bias is not None,
                      device=self[0].weight.device, dtype=self[0].weight.dtype)
        with torch.no_grad():
            for ours, theirs in zip(self, twin):
                if isinstance(ours, NTKLinear):
                    theirs.weight.copy_(ours.weight_multiplier * ours.weight)
                    if ours.bias is not None:
                        theirs.bias.copy_(ours.bias_multiplier * ours.bias)
        return twin
