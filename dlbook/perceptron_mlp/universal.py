"""A constructive universal approximator: one hidden ReLU layer that interpolates a 1-D function.

With knots ``t_0 < t_1 < … < t_m``, the piecewise-linear interpolant of ``f`` is

    g(x) = f(t_0) + Σ_{k=0}^{m-1} c_k · relu(x − t_k),   c_0 = s_0,  c_k = s_k − s_{k−1},

where ``s_k = (f(t_{k+1}) − f(t_k)) / (t_{k+1} − t_k)`` is the slope on the k-th piece: unit k
switches on at ``t_k`` and changes the slope by ``c_k``. On ``[t_0, t_m]`` this is exactly an
``MLP(1, [m], 1, activation="relu")`` with first-layer weights 1 and biases ``−t_k``. For
``f`` with a bounded second derivative and equal spacing ``h``, the sup-error is at most
``h² · max|f''| / 8`` (the error of linear interpolation on each piece).
"""
from __future__ import annotations

from typing import Callable

import torch

from .mlp import MLP


def relu_interpolant(f: Callable[[torch.Tensor], torch.Tensor], knots: torch.Tensor) -> MLP:
    """The one-hidden-layer ReLU network equal to ``f``'s piecewise-linear interpolant.

    ``knots: (m + 1,)`` strictly increasing; returns ``MLP(1, [m], 1, "relu")`` in the knots'
    dtype, mapping ``x: (N, 1) → (N, 1)``, exact at every knot and linear between them on
    ``[knots[0], knots[-1]]``.
    """
    knots = torch.as_tensor(knots)
    if knots.ndim != 1 or len(knots) < 2:
        raise ValueError(f"knots must be a 1-D tensor of at least 2 points, got shape {tuple(knots.shape)}")
    if not bool((knots.diff() > 0).all()):
        raise ValueError("knots must be strictly increasing")
    values = torch.as_tensor(f(knots), dtype=knots.dtype)
    if values.shape != knots.shape:
        raise ValueError(f"f(knots) must have the knots' shape {tuple(knots.shape)}, got {tuple(values.shape)}")
    slopes = values.diff() / knots.diff()                            # s_k, one per piece: (m,)
    changes = torch.cat([slopes[:1], slopes.diff()])                 # c_k = s_k − s_{k−1}: (m,)
    m = len(slopes)
    model = MLP(1, [m], 1, activation="relu").to(knots.dtype)
    hidden, output = model.linears()
    with torch.no_grad():
        hidden.weight.fill_(1.0)                                     # unit k sees x − t_k
        hidden.bias.copy_(-knots[:-1])
        output.weight.copy_(changes[None, :])
        output.bias.fill_(float(values[0]))                          # g(t_0) = f(t_0)
    return model


def interpolation_error_bound(width: int, interval: tuple[float, float], max_second_derivative: float) -> float:
    """``h² · max|f''| / 8`` with ``h = (b − a) / width``: the sup-error bound of :func:`relu_interpolant`
    on equally spaced knots."""
    if width < 1:
        raise ValueError(f"width must be at least 1, got {width}")
    a, b = interval
    if not b > a:
        raise ValueError(f"interval must have b > a, got {interval}")
    h = (b - a) / width
    return h**2 * max_second_derivative / 8
