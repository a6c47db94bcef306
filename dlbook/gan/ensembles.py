"""Several small networks trained side by side as one module: member ``m`` owns rows
``m·B … (m+1)·B − 1`` of every batch. The chapter trains one GAN per seed this way, so that a
comparison over seeds costs little more than one run.

The training losses are means over the whole batch of ``members·B`` rows, so each member's share of
the gradient is ``1/members`` of the gradient of its own mean loss. Adam would almost undo that, but
not quite: its ``eps`` then weighs ``members`` times more, which is enough to stall a member whose
gradients are small (a spectrally normalised discriminator's are). Every member's parameter gradient is
therefore multiplied by ``members`` on the way back, which makes each member's updates those of the
same network trained alone, for any optimiser."""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn.utils import parametrize

from dlbook.normalization import SpectralNorm


class _ScaleGradient(torch.autograd.Function):
    """The identity forward on any number of tensors; their gradients multiplied by ``factor`` backward
    (twice differentiable). One call for a layer's weight and bias: half the overhead of one call each."""

    @staticmethod
    def forward(ctx, factor: float, *tensors: torch.Tensor) -> tuple[torch.Tensor, ...]:
        ctx.factor = factor
        return tuple(t.view_as(t) for t in tensors)

    @staticmethod
    def backward(ctx, *grads: torch.Tensor):
        return None, *(None if g is None else g * ctx.factor for g in grads)


class GroupedLinear(nn.Module):
    """``members`` independent linear layers: ``x: (members·B, in_features) → (members·B, out_features)``.

    ``weight: (members, out_features, in_features)`` and ``bias: (members, out_features)``; each member
    is initialised as ``nn.Linear`` would be. Member ``m`` sees only its own block of rows. The gradients
    of ``weight`` and ``bias`` are multiplied by ``members`` (see the module's docstring): under a loss
    that is a mean over all rows, member ``m`` gets the gradient of the mean over its own rows.
    """

    def __init__(self, members: int, in_features: int, out_features: int):
        super().__init__()
        self.members, self.in_features, self.out_features = members, in_features, out_features
        bound = 1 / math.sqrt(in_features)
        self.weight = nn.Parameter(torch.empty(members, out_features, in_features).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(members, out_features).uniform_(-bound, bound))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 2 or x.shape[1] != self.in_features or len(x) % self.members:
            raise ValueError(f"x must have shape (members·B, {self.in_features}) with members={self.members}, "
                             f"got {tuple(x.shape)}")
        blocks = x.view(self.members, -1, self.in_features)  # (members, B, in)
        weight, bias = _ScaleGradient.apply(float(self.members), self.weight, self.bias)
        out = torch.baddbmm(bias.unsqueeze(1), blocks, weight.transpose(1, 2))  # (members, B, out)
        return out.reshape(len(x), self.out_features)


def grouped_mlp(members: int, in_features: int, hidden: int, depth: int, out_features: int,
                spectral: bool = False) -> nn.Sequential:
    """``members`` ReLU MLPs ``in → hidden (× depth) → out`` as one module: ``(members·B, in) → (members·B, out)``.

    ``spectral=True`` spectrally normalises every member's every weight.
    """
    sizes = [in_features, *[hidden] * depth, out_features]
    layers: list[nn.Module] = []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layer = GroupedLinear(members, fan_in, fan_out)
        if spectral:
            parametrize.register_parametrization(layer, "weight", SpectralNorm(layer.weight, batch_dims=1))
        layers.append(layer)
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)
