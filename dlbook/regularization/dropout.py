"""Dropout from scratch: inverted (and original) Bernoulli dropout, Gaussian dropout, Monte-Carlo dropout.

Every layer takes an optional ``generator`` so that a mask can be reproduced; without one, masks come
from torch's global random state, like ``torch.nn.Dropout``.
"""
from __future__ import annotations

import torch
from torch import nn


def _check_p(p: float, *, one_allowed: bool) -> None:
    if isinstance(p, bool) or not isinstance(p, (int, float)):
        raise TypeError(f"the drop probability p must be a number, got {type(p).__name__}")
    if not (0.0 <= p <= 1.0 if one_allowed else 0.0 <= p < 1.0):
        raise ValueError(f"the drop probability p must lie in [0, 1{']' if one_allowed else ')'}, got {p}")


def _uniform(x: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    """U(0, 1) noise shaped like ``x``, drawn on the generator's device (a CPU generator works for GPU ``x``)."""
    device = generator.device if generator is not None else x.device
    return torch.rand(x.shape, generator=generator, device=device).to(x.device)


def _normal(x: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    device = generator.device if generator is not None else x.device
    return torch.randn(x.shape, generator=generator, device=device, dtype=x.dtype).to(x.device)


class Dropout(nn.Module):
    """Dropout: zero each element with probability ``p`` in training. ``x: (*) → (*)``.

    ``inverted=True`` (PyTorch's choice) divides the kept elements by ``1 − p`` in
    training and is the identity in eval mode; ``inverted=False`` keeps them as they
    are and multiplies by ``1 − p`` in eval mode. Both have ``E[train output] = eval output``.
    """

    def __init__(self, p: float = 0.5, inverted: bool = True, generator: torch.Generator | None = None):
        super().__init__()
        _check_p(p, one_allowed=True)  # p = 1 drops everything, as torch.nn.Dropout(p=1.0) does
        self.p, self.inverted, self.generator = float(p), inverted, generator

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        keep = 1.0 - self.p
        if not self.training:
            return x if self.inverted else x * keep
        if keep == 0.0:
            return torch.zeros_like(x)                                                             # nothing to rescale
        mask = (_uniform(x, self.generator) < keep).to(x.dtype)                                   # 1 w.p. 1 − p
        return x * mask / keep if self.inverted else x * mask

    def extra_repr(self) -> str:
        return f"p={self.p}, inverted={self.inverted}"


class GaussianDropout(nn.Module):
    """Multiply by ``1 + σε``, ``ε ~ N(0, 1)``, with ``σ² = p / (1 − p)``: the variance of inverted dropout's
    multiplier. Identity in eval mode. ``x: (*) → (*)``."""

    def __init__(self, p: float = 0.5, generator: torch.Generator | None = None):
        super().__init__()
        _check_p(p, one_allowed=False)  # σ² = p / (1 − p) is infinite at p = 1
        self.p, self.generator = float(p), generator

    @property
    def std(self) -> float:
        return (self.p / (1.0 - self.p)) ** 0.5

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        noise = _normal(x, self.generator)
        return x * (1 + self.std * noise)

    def extra_repr(self) -> str:
        return f"p={self.p}, std={self.std:.4g}"


STOCHASTIC_LAYERS = (Dropout, GaussianDropout, nn.modules.dropout._DropoutNd)


def dropout_mlp(in_features: int, hidden: list[int], out_features: int, p: float = 0.0, *,
                gaussian: bool = False, activation: type[nn.Module] = nn.Tanh) -> nn.Sequential:
    """An MLP with dropout after every hidden activation: ``[Linear → activation → dropout] × len(hidden) → Linear``.

    ``gaussian=True`` uses :class:`GaussianDropout` instead of Bernoulli :class:`Dropout`; ``p = 0`` makes
    the dropout layers identities. ``x: (N, in_features) → (N, out_features)``.
    """
    _check_p(p, one_allowed=not gaussian)
    if not hidden or any(not isinstance(w, int) or w < 1 for w in hidden):
        raise ValueError(f"hidden must be a non-empty list of positive widths, got {hidden!r}")
    noise = GaussianDropout if gaussian else Dropout
    layers, width = [], in_features
    for next_width in hidden:
        layers += [nn.Linear(width, next_width), activation(), noise(p)]
        width = next_width
    return nn.Sequential(*layers, nn.Linear(width, out_features))


@torch.no_grad()
def mc_samples(model: nn.Module, X: torch.Tensor, samples: int = 100) -> torch.Tensor:
    """Monte-Carlo dropout: ``samples`` forward passes with only the dropout layers in training mode.

    ``X: (N, ...) → (samples, N, ...)``; the model's modes are restored afterwards.
    """
    if not isinstance(samples, int) or samples < 1:
        raise ValueError(f"samples must be a positive int, got {samples!r}")
    modes = {m: m.training for m in model.modules()}
    model.eval()
    for m in model.modules():
        if isinstance(m, STOCHASTIC_LAYERS):
            m.train()
    try:
        return torch.stack([model(X) for _ in range(samples)])
    finally:
        for m, mode in modes.items():
            m.train(mode)
