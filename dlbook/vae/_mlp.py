"""The encoder and decoder networks of this chapter: plain MLPs (no hidden layer: a linear map)."""
from __future__ import annotations

from torch import nn


def check_sizes(**sizes: int) -> None:
    """Raise a ``ValueError`` naming the first size that is not a positive int."""
    for name, value in sizes.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")


def mlp(in_features: int, hidden: tuple[int, ...], out_features: int) -> nn.Sequential:
    """``in_features → hidden[0] → … → out_features`` with ReLUs between; ``hidden=()`` is one linear layer."""
    check_sizes(in_features=in_features, out_features=out_features, **{f"hidden[{i}]": h for i, h in enumerate(hidden)})
    sizes = (in_features, *hidden, out_features)
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)
