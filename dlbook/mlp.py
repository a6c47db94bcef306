"""The multilayer perceptron every chapter builds on, and per-layer statistics of a deep one."""
from __future__ import annotations

from typing import Callable, Sequence

import torch
from torch import nn

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
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
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose one of {sorted(ACTIVATIONS)}")
        sizes = [in_features, *hidden, out_features]
        if any(not isinstance(s, int) or s < 1 for s in sizes):
            raise ValueError(f"layer sizes must be positive ints, got {sizes}")
        layers: list[nn.Module] = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(nn.Linear(fan_in, fan_out))
            if i < len(sizes) - 2:
                layers.append(ACTIVATIONS[activation]())
        super().__init__(*layers)
        self.sizes, self.activation = sizes, activation

    def linears(self) -> list[nn.Linear]:
        """The affine layers, input to output."""
        return [m for m in self if isinstance(m, nn.Linear)]


def layer_statistics(model: nn.Module, X: torch.Tensor, y: torch.Tensor | None = None,
                     loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None) -> list[dict[str, float]]:
    """For each ``nn.Linear`` of ``model`` (input to output): the std of its output pre-activations and,
    when ``y`` and ``loss_fn`` are given, the norm of the loss gradient with respect to its weight.

    ``X: (N, in_features)``. The model's parameter gradients are left as they were.
    """
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError("model has no nn.Linear layer to measure")
    outputs: list[torch.Tensor] = []
    hooks = [m.register_forward_hook(lambda _m, _inp, out: outputs.append(out.detach())) for m in linears]
    try:
        with torch.enable_grad():
            out = model(X)
            grads = [None] * len(linears)
            if y is not None and loss_fn is not None:
                grads = torch.autograd.grad(loss_fn(out, y), [m.weight for m in linears])
    finally:
        for h in hooks:
            h.remove()
    stats = []
    for a, g in zip(outputs, grads):
        row = {"activation_std": float(a.float().std())}
        if g is not None:
            row["grad_norm"] = float(g.norm())
        stats.append(row)
    return stats
