"""Training a classifier with the :class:`dlbook.backprop.Tensor` engine:
:func:`cross_entropy`, :class:`Linear`, :class:`MLP` (which can copy a
:class:`dlbook.perceptron_mlp.MLP`'s weights), :class:`SGD` and the mini-batch loop
:func:`train`. Only NumPy and the engine: no torch.
"""

from __future__ import annotations

import numpy as np

from .tensor import Tensor


def cross_entropy(logits: Tensor, targets) -> Tensor:
    """Mean of ``−log softmax(logits)[n, tₙ]``: ``logits: (N, C)``, ``targets: (N,)`` ints
    → scalar."""
    targets = np.asarray(targets)
    if logits.ndim != 2 or targets.shape != (logits.shape[0],):
        raise ValueError(
            f"cross_entropy needs logits (N, C) and targets (N,), got {logits.shape} and"
            f" {targets.shape}"
        )
    return -logits.log_softmax(axis=1)[np.arange(len(targets)), targets].mean()


class Linear:
    """``x: (N, in_features) → x Wᵀ + b: (N, out_features)``, initialised like
    ``torch.nn.Linear``."""

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        rng: np.random.Generator | None = None,
    ):
        rng = rng or np.random.default_rng(0)
        bound = 1.0 / np.sqrt(in_features)
        self.weight = Tensor(rng.uniform(-bound, bound, (out_features, in_features)))
        self.bias = Tensor(rng.uniform(-bound, bound, out_features))

    def __call__(self, x: Tensor) -> Tensor:
        return x @ self.weight.T + self.bias  # the bias broadcasts over the N rows

    def parameters(self) -> list[Tensor]:
        return [self.weight, self.bias]


class MLP:
    """Linear layers with ``activation`` ("relu" or "tanh") between them;
    :meth:`from_torch` copies a :class:`dlbook.perceptron_mlp.MLP`'s weights, so both
    engines can start from the same point.
    """

    def __init__(
        self,
        sizes: list[int],
        activation: str = "relu",
        *,
        rng: np.random.Generator | None = None,
    ):
        if activation not in ("relu", "tanh"):
            raise ValueError(f"activation must be 'relu' or 'tanh', got {activation!r}")
        if len(sizes) < 2:
            raise ValueError(
                f"sizes needs at least an input and an output size, got {sizes!r}"
            )
        rng = rng or np.random.default_rng(0)
        self.layers = [Linear(i, o, rng=rng) for i, o in zip(sizes[:-1], sizes[1:])]
        self.activation = activation

    @classmethod
    def from_torch(cls, model) -> "MLP":
        linears = [m for m in model.modules() if type(m).__name__ == "Linear"]
        if not linears or not hasattr(model, "activation"):
            raise TypeError(
                "from_torch expects a dlbook.perceptron_mlp.MLP, got"
                f" {type(model).__name__}"
            )
        twin = cls(
            [linears[0].in_features] + [m.out_features for m in linears], model.activation
        )
        for mine, theirs in zip(twin.layers, linears):
            mine.weight.data = theirs.weight.detach().double().numpy().copy()
            mine.bias.data = theirs.bias.detach().double().numpy().copy()
        return twin

    def __call__(self, x: Tensor) -> Tensor:
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = x.relu() if self.activation == "relu" else x.tanh()
        return x

    def parameters(self) -> list[Tensor]:
        return [p for layer in self.layers for p in layer.parameters()]


class SGD:
    """Plain stochastic gradient descent: ``θ ← θ − lr · ∂L/∂θ``."""

    def __init__(self, params: list[Tensor], lr: float):
        self.params, self.lr = list(params), lr

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = np.zeros_like(p.data)

    def step(self) -> None:
        for p in self.params:
            p.data = p.data - self.lr * p.grad


def train(
    model: MLP,
    X: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    lr: float,
    seed: int = 0,
) -> list[float]:
    """Mini-batch SGD on the cross-entropy of ``model(X)``; ``X: (N, D)``, ``y: (N,)``
    ints. Returns the mean training loss of each epoch."""
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    if X.ndim != 2 or y.shape != (len(X),):
        raise ValueError(
            f"train needs X of shape (N, D) and y of shape (N,), got {X.shape} and"
            f" {y.shape}"
        )
    if batch_size < 1 or lr <= 0:
        raise ValueError(
            f"batch_size must be ≥ 1 and lr > 0, got batch_size={batch_size}, lr={lr}"
        )
    rng, optimizer, losses = np.random.default_rng(seed), SGD(model.parameters(), lr), []
    for _ in range(epochs):
        order, total = rng.permutation(len(X)), 0.0
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            loss = cross_entropy(model(Tensor(X[batch])), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.data) * len(batch)
        losses.append(total / len(X))
    return losses
