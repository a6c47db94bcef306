"""Activation functions from scratch, each paired with the derivative derived by hand.

Every function maps ``x: (*) → (*)`` elementwise and accepts a floating-point
tensor of any shape. ``<name>_grad(x)`` is the hand-derived derivative
``h'(x)``, checked in chapter 1 against autograd and finite differences; ``<name>_grad2``
is ``h''(x)`` (chapter 2's diagonal Hessian). :class:`Activation` bundles a function, its
derivatives and torch's built-in, and :class:`Elementwise` turns one into a layer.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn
from torch.nn import functional as F

GELU_TANH_COEFF = 0.044715  # the cubic coefficient of GELU's tanh approximation


def _floating(x: torch.Tensor, name: str = "x") -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got dtype {x.dtype}")
    return x


# ---------------------------------------------------------------- step: the perceptron's threshold

def step(x: torch.Tensor) -> torch.Tensor:
    """Heaviside step: 1 where ``x > 0``, else 0 (the unit fires only on a positive input)."""
    return (_floating(x) > 0).to(x.dtype)


def step_grad(x: torch.Tensor) -> torch.Tensor:
    """0 everywhere; at ``x = 0`` the step has no derivative and 0 is returned by convention."""
    return torch.zeros_like(_floating(x))


# ---------------------------------------------------------------- sigmoid and tanh

def sigmoid(x: torch.Tensor) -> torch.Tensor:
    """σ(x) = 1 / (1 + e^{−x}), computed so that no exponential overflows."""
    _floating(x)
    pos = 1 / (1 + torch.exp(-x.clamp(min=0)))  # x ≥ 0: e^{−x} ≤ 1
    e = torch.exp(x.clamp(max=0))  # x < 0: σ(x) = e^{x} / (1 + e^{x}), e^{x} < 1
    return torch.where(x >= 0, pos, e / (1 + e))


def sigmoid_grad(x: torch.Tensor) -> torch.Tensor:
    """σ'(x) = σ(x)(1 − σ(x))."""
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x: torch.Tensor) -> torch.Tensor:
    """tanh(x) = 2σ(2x) − 1: a sigmoid stretched to (−1, 1)."""
    return 2 * sigmoid(2 * _floating(x)) - 1


def tanh_grad(x: torch.Tensor) -> torch.Tensor:
    """tanh'(x) = 1 − tanh²(x)."""
    return 1 - tanh(x) ** 2


# ---------------------------------------------------------------- rectifiers

def relu(x: torch.Tensor) -> torch.Tensor:
    """max(0, x)."""
    return torch.where(_floating(x) > 0, x, torch.zeros_like(x))


def relu_grad(x: torch.Tensor) -> torch.Tensor:
    """1 where ``x > 0``, else 0 (at 0 we take 0, as PyTorch does)."""
    return (_floating(x) > 0).to(x.dtype)


def _slope(negative_slope: float) -> float:
    if isinstance(negative_slope, bool) or not isinstance(negative_slope, (int, float)):
        raise TypeError(f"negative_slope must be a number, got {type(negative_slope).__name__}")
    if not math.isfinite(negative_slope):
        raise ValueError(f"negative_slope must be finite, got {negative_slope}")
    return float(negative_slope)


def leaky_relu(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    """x where ``x > 0``, else ``negative_slope · x``."""
    a = _slope(negative_slope)
    return torch.where(_floating(x) > 0, x, a * x)


def leaky_relu_grad(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    """1 where ``x > 0``, else ``negative_slope`` (also at 0, as PyTorch does)."""
    a = _slope(negative_slope)
    return torch.where(_floating(x) > 0, torch.ones_like(x), torch.full_like(x, a))


# ---------------------------------------------------------------- GELU, exact and tanh-approximate

def normal_cdf(x: torch.Tensor) -> torch.Tensor:
    """Φ(x) = ½(1 + erf(x/√2)), the standard normal distribution function."""
    return 0.5 * (1 + torch.erf(_floating(x) / math.sqrt(2)))


def normal_pdf(x: torch.Tensor) -> torch.Tensor:
    """φ(x) = e^{−x²/2} / √(2π), the standard normal density."""
    return torch.exp(-0.5 * _floating(x) ** 2) / math.sqrt(2 * math.pi)


def _approximate(approximate: str) -> str:
    if approximate not in ("none", "tanh"):
        raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")
    return approximate


def _gelu_tanh_inner(x: torch.Tensor) -> torch.Tensor:
    # u(x) = √(2/π) (x + 0.044715 x³)
    return math.sqrt(2 / math.pi) * (x + GELU_TANH_COEFF * x**3)


def gelu(x: torch.Tensor, approximate: str = "none") -> torch.Tensor:
    """x·Φ(x); with ``approximate="tanh"``: ½x(1 + tanh(√(2/π)(x + 0.044715x³)))."""
    _floating(x)
    if _approximate(approximate) == "none":
        return x * normal_cdf(x)
    return 0.5 * x * (1 + tanh(_gelu_tanh_inner(x)))


def gelu_grad(x: torch.Tensor, approximate: str = "none") -> torch.Tensor:
    """Φ(x) + x·φ(x); with ``approximate="tanh"``: ½(1 + t) + ½x(1 − t²)·u'(x), t = tanh u(x)."""
    _floating(x)
    if _approximate(approximate) == "none":
        return normal_cdf(x) + x * normal_pdf(x)
    t = tanh(_gelu_tanh_inner(x))
    du = math.sqrt(2 / math.pi) * (1 + 3 * GELU_TANH_COEFF * x**2)  # u'(x)
    return 0.5 * (1 + t) + 0.5 * x * (1 - t**2) * du


# ---------------------------------------------------------------- softplus

def _beta(beta: float) -> float:
    if isinstance(beta, bool) or not isinstance(beta, (int, float)):
        raise TypeError(f"beta must be a number, got {type(beta).__name__}")
    if not (beta > 0 and math.isfinite(beta)):
        raise ValueError(f"beta must be a positive finite number, got {beta}")
    return float(beta)


def softplus(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """(1/β) log(1 + e^{βx}), a smooth ReLU; computed so that no exponential overflows."""
    b = _beta(beta)
    z = b * _floating(x)
    zp, zn = z.clamp(min=0), z.clamp(max=0)
    # z > 0: log(1 + e^z) = z + log(1 + e^{−z}); z ≤ 0: log(1 + e^z) directly
    return torch.where(z > 0, zp + torch.log1p(torch.exp(-zp)), torch.log1p(torch.exp(zn))) / b


def softplus_grad(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """softplus'(x) = σ(βx)."""
    return sigmoid(_beta(beta) * _floating(x))


# ---------------------------------------------------------------- second derivatives h''

def sigmoid_grad2(x: torch.Tensor) -> torch.Tensor:
    """σ''(x) = σ'(x)(1 − 2σ(x)): differentiate σ(1 − σ) with σ' = σ(1 − σ)."""
    s = sigmoid(x)
    return s * (1 - s) * (1 - 2 * s)


def tanh_grad2(x: torch.Tensor) -> torch.Tensor:
    """tanh''(x) = −2 tanh(x)(1 − tanh²(x)): differentiate 1 − tanh² with tanh' = 1 − tanh²."""
    t = tanh(x)
    return -2 * t * (1 - t**2)


def relu_grad2(x: torch.Tensor) -> torch.Tensor:
    """0 everywhere: ReLU is piecewise linear (at 0, where h' jumps, 0 by convention)."""
    return torch.zeros_like(_floating(x))


def leaky_relu_grad2(x: torch.Tensor, negative_slope: float = 0.01) -> torch.Tensor:
    """0 everywhere, like ReLU: both pieces are linear."""
    _slope(negative_slope)
    return torch.zeros_like(_floating(x))


def gelu_grad2(x: torch.Tensor) -> torch.Tensor:
    """(x Φ(x))'' = 2φ(x) + x φ'(x) = φ(x)(2 − x²), since φ'(x) = −x φ(x)."""
    return normal_pdf(x) * (2 - x**2)


def softplus_grad2(x: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """softplus''(x) = β σ'(βx) = β σ(βx)(1 − σ(βx))."""
    b = _beta(beta)
    return b * sigmoid_grad(b * _floating(x))


# ---------------------------------------------------------------- bundles

@dataclass(frozen=True)
class Activation:
    """An activation ``h``, its hand-derived derivative ``h'``, torch's built-in ``h`` for reference and,
    where it is written out, the second derivative ``h''`` (else ``None``)."""

    name: str
    function: Callable[[torch.Tensor], torch.Tensor]
    derivative: Callable[[torch.Tensor], torch.Tensor]
    builtin: Callable[[torch.Tensor], torch.Tensor]
    second_derivative: Callable[[torch.Tensor], torch.Tensor] | None = None

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.function(x)


ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (
    Activation("step", step, step_grad, lambda x: torch.heaviside(x, torch.zeros((), dtype=x.dtype))),
    Activation("sigmoid", sigmoid, sigmoid_grad, torch.sigmoid, sigmoid_grad2),
    Activation("tanh", tanh, tanh_grad, torch.tanh, tanh_grad2),
    Activation("relu", relu, relu_grad, torch.relu, relu_grad2),
    Activation("leaky_relu", leaky_relu, leaky_relu_grad, F.leaky_relu, leaky_relu_grad2),
    Activation("gelu", gelu, gelu_grad, F.gelu, gelu_grad2),
    Activation("gelu_tanh", lambda x: gelu(x, "tanh"), lambda x: gelu_grad(x, "tanh"),
               lambda x: F.gelu(x, approximate="tanh")),
    Activation("softplus", softplus, softplus_grad, F.softplus, softplus_grad2),
)}


def get(name: str) -> Activation:
    """The :class:`Activation` called ``name`` (one of ``ACTIVATIONS``)."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]


class Elementwise(nn.Module):
    """A from-scratch activation as a layer: ``x: (*) → (*)``, ``h`` applied to every entry."""

    def __init__(self, name: str):
        super().__init__()
        self.activation = get(name)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.activation.function(x)

    def extra_repr(self) -> str:
        return self.activation.name
