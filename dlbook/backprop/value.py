"""Reverse-mode automatic differentiation on scalars: the :class:`Value` engine.

Every operation follows one template: compute the output, attach a closure ``_backward``
that adds the output's gradient, times the local derivative, into the gradients of the
inputs (``+=``, because a node used twice receives two contributions), and return the
output. :meth:`Value.backward` visits the graph in reverse topological order, found
without recursion, so a graph a hundred thousand nodes deep works as well as a small one.

The vectorised engine on NumPy arrays is :class:`dlbook.backprop.Tensor`
(``backprop/tensor.py``); :func:`dlbook.backprop.draw_graph` draws a graph of Values.
"""

from __future__ import annotations

import math
from numbers import Real


def topological_order(root) -> list:
    """Every node that ``root`` depends on (through ``._prev``), each after all of its
    inputs.

    An explicit stack replaces recursion: a node is pushed once to expand it and once more
    (flagged) to emit it after its inputs are emitted.
    """
    order, seen = [], set()
    stack = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
        elif id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in node._prev if id(child) not in seen)
    return order


class Value:
    """A scalar that remembers how it was computed, so that ``backward()`` can fill
    ``.grad``.

    ``data`` is a Python float; ``grad`` holds ∂(output)/∂(this node) after
    ``output.backward()``. Python numbers combine with a Value on either side: ``2 * x``,
    ``x - 1``, ``1 / x``, ``2 ** x``.
    """

    def __init__(self, data: float, _prev: tuple = (), _op: str = "", label: str = ""):
        if isinstance(data, bool) or not isinstance(data, Real):
            raise TypeError(f"Value holds a real number, got {type(data).__name__}")
        self.data, self.grad = float(data), 0.0
        self._prev, self._op, self.label = tuple(_prev), _op, label
        self._backward = lambda: None

    def __repr__(self) -> str:
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    @staticmethod
    def _lift(other) -> "Value":
        if isinstance(other, Value):
            return other
        if isinstance(other, bool) or not isinstance(other, Real):
            raise TypeError(f"cannot combine a Value with {type(other).__name__}")
        return Value(other)

    # ---------------------------------------------------------- operations with their
    # own derivative
    def __add__(self, other) -> "Value":
        other = self._lift(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():  # ∂(a+b)/∂a = ∂(a+b)/∂b = 1
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other) -> "Value":
        other = self._lift(other)
        out = Value(self.data * other.data, (self, other), "×")

        def _backward():  # ∂(ab)/∂a = b, ∂(ab)/∂b = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, exponent) -> "Value":
        if isinstance(exponent, bool) or not isinstance(exponent, Real):
            raise TypeError(
                f"the exponent must be a Python number, got {type(exponent).__name__}"
            )
        out = Value(self.data**exponent, (self,), f"^{exponent:g}")

        def _backward():  # ∂(aᵏ)/∂a = k aᵏ⁻¹
            self.grad += exponent * self.data ** (exponent - 1) * out.grad

        out._backward = _backward
        return out

    def __rpow__(self, base) -> "Value":
        if isinstance(base, bool) or not isinstance(base, Real) or base <= 0:
            raise ValueError(
                f"base ** Value needs a positive number as the base, got {base!r}"
            )
        return (self * math.log(base)).exp()  # cᵃ = exp(a ln c)

    def exp(self) -> "Value":
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():  # ∂eᵃ/∂a = eᵃ
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self) -> "Value":
        if self.data <= 0:
            raise ValueError(f"log needs a positive argument, got {self.data}")
        out = Value(math.log(self.data), (self,), "log")

        def _backward():  # ∂ln a/∂a = 1/a
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self) -> "Value":
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():  # ∂tanh a/∂a = 1 − tanh² a
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def relu(self) -> "Value":
        out = Value(max(self.data, 0.0), (self,), "relu")

        def _backward():  # 1 for a > 0, else 0 (the choice at a = 0 is torch's)
            self.grad += (self.data > 0) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self) -> "Value":
        s = (
            1.0 / (1.0 + math.exp(-self.data))
            if self.data >= 0
            else math.exp(self.data) / (1.0 + math.exp(self.data))
        )
        out = Value(s, (self,), "σ")

        def _backward():  # ∂σ(a)/∂a = σ(a)(1 − σ(a))
            self.grad += out.data * (1.0 - out.data) * out.grad

        out._backward = _backward
        return out

    # ---------------------------------------------------------- operations built from
    # the ones above
    def __neg__(self) -> "Value":
        return self * -1

    def __sub__(self, other) -> "Value":
        return self + (-self._lift(other))

    def __truediv__(self, other) -> "Value":
        return self * self._lift(other) ** -1

    def __radd__(self, other) -> "Value":
        return self + other

    def __rmul__(self, other) -> "Value":
        return self * other

    def __rsub__(self, other) -> "Value":
        return self._lift(other) - self

    def __rtruediv__(self, other) -> "Value":
        return self._lift(other) / self

    # ---------------------------------------------------------- the backward pass
    def backward(self) -> None:
        """Fill ``.grad`` of every node this one depends on with ∂self/∂node.

        Gradients accumulate: call :meth:`zero_grad` first to reuse a graph.
        """
        order = topological_order(self)
        self.grad = 1.0  # ∂self/∂self
        for node in reversed(
            order
        ):  # each node's grad is complete before it is passed on
            node._backward()

    def zero_grad(self) -> None:
        """Set ``.grad`` to 0 on this node and everything it depends on."""
        for node in topological_order(self):
            node.grad = 0.0
