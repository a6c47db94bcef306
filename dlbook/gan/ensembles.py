"""Several small networks trained side by side as one module: member ``m`` owns rows
``m·B … (m+1)·B − 1`` of every batch. The chapter trains one GAN per seed this way, so that a
comparison over seeds costs little more than one run."""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn.utils import parametrize

from dlbook.normalization import SpectralNorm


class GroupedLinear(nn.Module):
    """``members`` independent linear layers: ``x: (members·B, in_features) → (members·B, out_features)``.

    ``weight: (members, out_features, in_features)`` and ``bias: (members, out_features)``; each member
    is initialised as ``nn.Linear`` would be. Member ``m`` sees only its own block of rows.
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
        out = torch.baddbmm(self.bias.unsqueeze(1), blocks, self.weight.transpose(1, 2))  # (members, B, out)
        return out.reshape(len(x), self.out_features)


class PerMemberSpectralNorm(nn.Module):
    """Chapter 7's ``dlbook.normalization.SpectralNorm`` applied to each member's matrix ``(out, in)`` separately."""

    def __init__(self, weight: torch.Tensor):
        super().__init__()
        self.norms = nn.ModuleList(SpectralNorm(w) for w in weight.detach())

    def forward(self, weight: torch.Tensor) -> torch.Tensor:
        return torch.stack([norm(w) for norm, w in zip(self.norms, weight)])

    def right_inverse(self, weight: torch.Tensor) -> torch.Tensor:
        return weight


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
            parametrize.register_parametrization(layer, "weight", PerMemberSpectralNorm(layer.weight))
        layers.append(layer)
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)
