"""Reverse-mode automatic differentiation on NumPy arrays: the :class:`Tensor` engine.

The same template as :class:`dlbook.backprop.Value` (compute the output, attach a closure
that accumulates into the inputs' ``.grad``), with one new step: when an operation
broadcast an input to a larger shape, the gradient flowing back has the larger shape and
:func:`unbroadcast` sums it back down to the input's shape. The pieces to train a
classifier with it are in :mod:`dlbook.backprop.numpy_nn`.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from .value import topological_order


def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` over the axes that broadcasting added or stretched, so it gets
    ``shape``.

    ``grad: broadcast shape → shape``; e.g. ``(N, C) → (C,)`` sums over rows, ``(N, C) →
    (N, 1)`` over columns.
    """
    extra = grad.ndim - len(shape)
    if extra < 0:
        raise ValueError(
            f"cannot unbroadcast a gradient of shape {grad.shape} to the larger shape"
            f" {shape}"
        )
    grad = grad.sum(axis=tuple(range(extra)))  # axes broadcasting prepended
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=stretched, keepdims=True) if stretched else grad


class Tensor:
    """An array (float64) that remembers how it was computed; ``backward()`` fills
    ``.grad`` (same shape)."""

    def __init__(self, data, _prev: tuple = (), _op: str = ""):
        self.data = np.array(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)
        self._prev, self._op = tuple(_prev), _op
        self._backward = lambda: None

    shape = property(lambda self: self.data.shape)
    ndim = property(lambda self: self.data.ndim)

    def __repr__(self) -> str:
        return f"Tensor(shape={self.shape}, op={self._op or 'leaf'!r})"

    @staticmethod
    def _lift(other) -> "Tensor":
        if isinstance(other, Tensor):
            return other
        if isinstance(other, (Real, np.ndarray)) and not isinstance(other, bool):
            return Tensor(other)
        raise TypeError(f"cannot combine a Tensor with {type(other).__name__}")

    def _unary(self, value: np.ndarray, local_grad, op: str) -> "Tensor":
        """An elementwise op whose derivative is ``local_grad(out_data)`` (an array like
        ``value``)."""
        out = Tensor(value, (self,), op)

        def _backward():
            self.grad += local_grad(out.data) * out.grad

        out._backward = _backward
        return out

    # ---------------------------------------------------------- arithmetic (with
    # broadcasting)
    def __add__(self, other) -> "Tensor":
        other = self._lift(other)
        out = Tensor(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += unbroadcast(out.grad, self.shape)
            other.grad += unbroadcast(out.grad, other.shape)

        out._backward = _backward
        return out

    def __mul__(self, other) -> "Tensor":
        other = self._lift(other)
        out = Tensor(self.data * other.data, (self, other), "×")

        def _backward():
            self.grad += unbroadcast(other.data * out.grad, self.shape)
            other.grad += unbroadcast(self.data * out.grad, other.shape)

        out._backward = _backward
        return out

    def __pow__(self, exponent) -> "Tensor":
        if isinstance(exponent, bool) or not isinstance(exponent, Real):
            raise TypeError(
                f"the exponent must be a Python number, got {type(exponent).__name__}"
            )
        x = self.data
        return self._unary(
            x**exponent, lambda _y: exponent * x ** (exponent - 1), f"^{exponent:g}"
        )  # k xᵏ⁻¹

    __radd__ = __add__
    __rmul__ = __mul__

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-self._lift(other))

    def __rsub__(self, other):
        return self._lift(other) - self

    def __truediv__(self, other):
        return self * self._lift(other) ** -1

    def __rtruediv__(self, other):
        return self._lift(other) / self

    def __matmul__(self, other) -> "Tensor":
        """``(M, K) @ (K, N) → (M, N)``; ∂L/∂A = G Bᵀ and ∂L/∂B = Aᵀ G for the incoming
        gradient G."""
        other = self._lift(other)
        if self.ndim != 2 or other.ndim != 2:
            raise ValueError(
                f"matmul needs two 2-D tensors, got shapes {self.shape} and {other.shape}"
            )
        if self.shape[1] != other.shape[0]:
            raise ValueError(
                f"matmul shape mismatch: {self.shape} @ {other.shape} "
                f"(inner dimensions {self.shape[1]} and {other.shape[0]} differ)"
            )
        out = Tensor(self.data @ other.data, (self, other), "@")

        def _backward():
            self.grad += out.grad @ other.data.T
            other.grad += self.data.T @ out.grad

        out._backward = _backward
        return out

    # ---------------------------------------------------------- elementwise functions
    def exp(self):
        return self._unary(np.exp(self.data), lambda y: y, "exp")

    def log(self):
        if (self.data <= 0).any():
            raise ValueError("log needs positive entries")
        x = self.data
        return self._unary(np.log(x), lambda _y: 1.0 / x, "log")

    def tanh(self):
        return self._unary(np.tanh(self.data), lambda y: 1.0 - y**2, "tanh")

    def relu(self):
        return self._unary(
            np.maximum(self.data, 0.0), lambda y: (y > 0).astype(np.float64), "relu"
        )

    # ---------------------------------------------------------- reductions and shapes
    def sum(self, axis=None, keepdims: bool = False) -> "Tensor":
        out = Tensor(self.data.sum(axis=axis, keepdims=keepdims), (self,), "sum")

        def _backward():  # every summed entry receives the gradient of its sum
            g = out.grad if keepdims or axis is None else np.expand_dims(out.grad, axis)
            self.grad += np.broadcast_to(g, self.shape)

        out._backward = _backward
        return out

    def mean(self, axis=None, keepdims: bool = False) -> "Tensor":
        count = (
            self.data.size
            if axis is None
            else np.prod([self.shape[a] for a in np.atleast_1d(axis)])
        )
        return self.sum(axis, keepdims) * (1.0 / count)

    def reshape(self, *shape) -> "Tensor":
        out = Tensor(self.data.reshape(*shape), (self,), "reshape")

        def _backward():
            self.grad += out.grad.reshape(self.shape)

        out._backward = _backward
        return out

    def transpose(self, *axes) -> "Tensor":
        axes = axes or tuple(reversed(range(self.ndim)))
        out = Tensor(self.data.transpose(axes), (self,), "transpose")

        def _backward():  # undo the permutation
            self.grad += out.grad.transpose(np.argsort(axes))

        out._backward = _backward
        return out

    T = property(transpose)

    def __getitem__(self, index) -> "Tensor":
        """NumPy indexing: ints, slices, integer arrays (repeats allowed), or a tuple of
        them."""
        out = Tensor(self.data[index], (self,), "[]")

        # scatter back; np.add.at adds once per occurrence of a repeated index
        def _backward():
            np.add.at(self.grad, index, out.grad)

        out._backward = _backward
        return out

    def log_softmax(self, axis: int = -1) -> "Tensor":
        """``x − log Σ exp x`` along ``axis``; backward: ``g − softmax(x) · Σ g``."""
        shifted = self.data - self.data.max(
            axis=axis, keepdims=True
        )  # for stability; the result is unchanged
        out = Tensor(
            shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True)),
            (self,),
            "log_softmax",
        )

        def _backward():
            self.grad += out.grad - np.exp(out.data) * out.grad.sum(
                axis=axis, keepdims=True
            )

        out._backward = _backward
        return out

    def softmax(self, axis: int = -1) -> "Tensor":
        """``exp x / Σ exp x`` along ``axis``; backward: ``s ⊙ (g − Σ g ⊙ s)``."""
        e = np.exp(self.data - self.data.max(axis=axis, keepdims=True))
        out = Tensor(e / e.sum(axis=axis, keepdims=True), (self,), "softmax")

        def _backward():
            s = out.data
            self.grad += s * (out.grad - (out.grad * s).sum(axis=axis, keepdims=True))

        out._backward = _backward
        return out

    # ---------------------------------------------------------- the backward pass
    def backward(self, grad=None) -> None:
        """Accumulate ∂(Σ grad ⊙ self)/∂node into ``.grad`` of every node this one depends
        on.

        ``grad`` (the seed) may be omitted only for a tensor with one element.
        """
        if grad is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() on a non-scalar Tensor of shape {self.shape} needs a"
                    " seed gradient: call .backward(grad) with an array of that shape,"
                    " or reduce it first (.sum())"
                )
            grad = np.ones_like(self.data)
        grad = np.asarray(grad, dtype=np.float64)
        if grad.shape != self.shape:
            raise ValueError(
                f"the seed gradient has shape {grad.shape}, but the tensor has shape"
                f" {self.shape}"
            )
        order = topological_order(self)
        self.grad = self.grad + grad
        for node in reversed(order):
            node._backward()
