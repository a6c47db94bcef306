"""NICE's diagonal scaling layer and Glow's ActNorm: elementwise affine maps with a learned log-scale."""
from __future__ import annotations

import torch
from torch import nn

from .layer import InvertibleLayer


class DiagonalScaling(InvertibleLayer):
    """NICE's last layer: ``y = x ⊙ exp(log_scale)``, ``log_det = Σ log_scale`` for every row.

    ``x: (N, dim) → (y: (N, dim), log_det: (N,))``. Coupling layers alone have unit determinant;
    this layer is what lets a NICE model change volume at all.
    """

    def __init__(self, dim: int):
        super().__init__(dim)
        self.log_scale = nn.Parameter(torch.zeros(dim))

    def _forward(self, x):
        return x * torch.exp(self.log_scale), self.log_scale.sum().expand(len(x))

    def _inverse(self, y):
        return y * torch.exp(-self.log_scale)


class ActNorm(InvertibleLayer):
    """Glow's activation normalisation: ``y = (x + bias) ⊙ exp(log_scale)``, ``log_det = Σ log_scale``.

    ``x: (N, dim) → (y: (N, dim), log_det: (N,))``. The first forward pass in training mode sets
    ``bias`` and ``log_scale`` so that its batch comes out with zero mean and unit variance per
    feature (data-dependent initialisation); afterwards both are ordinary parameters.
    """

    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__(dim)
        self.eps = eps
        self.bias = nn.Parameter(torch.zeros(dim))
        self.log_scale = nn.Parameter(torch.zeros(dim))
        self.register_buffer("initialized", torch.tensor(False))

    @torch.no_grad()
    def _initialize(self, x: torch.Tensor) -> None:
        if len(x) < 2:
            raise ValueError("ActNorm's data-dependent initialisation needs a batch of at least 2 rows")
        self.bias.copy_(-x.mean(dim=0))
        self.log_scale.copy_(-torch.log(x.std(dim=0) + self.eps))
        self.initialized.fill_(True)

    def _forward(self, x):
        if self.training and not self.initialized:
            self._initialize(x)
        return (x + self.bias) * torch.exp(self.log_scale), self.log_scale.sum().expand(len(x))

    def _inverse(self, y):
        return y * torch.exp(-self.log_scale) - self.bias
