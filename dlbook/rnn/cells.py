"""One step of a recurrent network: the Elman (tanh) cell, the LSTM cell and the GRU cell.

Each step is a plain function (``rnn_step``, ``lstm_step``, ``gru_step``) that the cell
modules and the multi-layer :mod:`dlbook.rnn.layers` share. Parameters follow PyTorch's
layout: the gates' weights are stacked along the first dimension, in the order
``i, f, g, o`` for the LSTM and ``r, z, n`` for the GRU, and the cells' state-dict names
(``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``) are those of ``torch.nn.RNNCell``,
``torch.nn.LSTMCell`` and ``torch.nn.GRUCell``, so weights load either way.
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

NONLINEARITIES = {"tanh": torch.tanh, "relu": torch.relu}
GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}  # rows of weight_ih per hidden unit


def rnn_step(x: torch.Tensor, h: torch.Tensor, weight_ih: torch.Tensor, weight_hh: torch.Tensor,
             bias_ih: torch.Tensor | None = None, bias_hh: torch.Tensor | None = None,
             nonlinearity: str = "tanh") -> torch.Tensor:
    """``h' = φ(W_ih x + b_ih + W_hh h + b_hh)``: ``x: (B, I)``, ``h: (B, H)`` → ``(B, H)``."""
    # a_t = W_ih x_t + W_hh h_{t-1} + b
    return NONLINEARITIES[nonlinearity](F.linear(x, weight_ih, bias_ih) + F.linear(h, weight_hh, bias_hh))


def lstm_step(x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor], weight_ih: torch.Tensor,
              weight_hh: torch.Tensor, bias_ih: torch.Tensor | None = None,
              bias_hh: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """One LSTM step: ``x: (B, I)``, ``state = (h, c)`` each ``(B, H)`` → ``(h', c')``.

    ``i, f, o = σ(·)``, ``g = tanh(·)`` from the stacked pre-activations (order ``i, f, g, o``);
    ``c' = f ⊙ c + i ⊙ g`` and ``h' = o ⊙ tanh(c')``.
    """
    h, c = state
    i, f, g, o = (F.linear(x, weight_ih, bias_ih) + F.linear(h, weight_hh, bias_hh)).chunk(4, dim=-1)
    c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)   # the additive cell-state path
    return torch.sigmoid(o) * torch.tanh(c_next), c_next


def gru_step(x: torch.Tensor, h: torch.Tensor, weight_ih: torch.Tensor, weight_hh: torch.Tensor,
             bias_ih: torch.Tensor | None = None, bias_hh: torch.Tensor | None = None) -> torch.Tensor:
    """One GRU step: ``x: (B, I)``, ``h: (B, H)`` → ``h': (B, H)``.

    ``r, z = σ(·)``, ``n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))`` and ``h' = (1 − z) ⊙ n + z ⊙ h``.
    """
    x_r, x_z, x_n = F.linear(x, weight_ih, bias_ih).chunk(3, dim=-1)
    h_r, h_z, h_n = F.linear(h, weight_hh, bias_hh).chunk(3, dim=-1)
    r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
    n = torch.tanh(x_n + r * h_n)          # the reset gate scales the recurrent part only
    return (1 - z) * n + z * h


def check_size(value, name: str) -> int:
    """A positive int, or a ``ValueError``/``TypeError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be positive, got {value}")
    return value


class _Cell(nn.Module):
    mode = "RNN"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size = check_size(input_size, "input_size"), check_size(hidden_size, "hidden_size")
        self.bias = bool(bias)
        rows, factory = GATES[self.mode] * hidden_size, dict(device=device, dtype=dtype)
        self.weight_ih = nn.Parameter(torch.empty(rows, input_size, **factory))
        self.weight_hh = nn.Parameter(torch.empty(rows, hidden_size, **factory))
        self.bias_ih = nn.Parameter(torch.empty(rows, **factory)) if bias else None
        self.bias_hh = nn.Parameter(torch.empty(rows, **factory)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every parameter uniform in ``(−1/√H, 1/√H)``, as PyTorch does."""
        bound = 1 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")

    def _weights(self):
        return self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh

    def _prepare(self, input: torch.Tensor, hx: torch.Tensor | None, what: str = "hx") -> tuple[torch.Tensor, torch.Tensor, bool]:
        if not isinstance(input, torch.Tensor):
            raise TypeError(f"input must be a tensor, got {type(input).__name__}")
        if input.dim() not in (1, 2):
            raise ValueError(f"{type(self).__name__} expects input (B, input_size) or (input_size,), "
                             f"got shape {tuple(input.shape)}")
        if input.shape[-1] != self.input_size:
            raise ValueError(f"input has {input.shape[-1]} features, the cell expects input_size={self.input_size}")
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        if hx is None:
            return x, x.new_zeros(len(x), self.hidden_size), batched
        expected = (len(x), self.hidden_size) if batched else (self.hidden_size,)
        if tuple(hx.shape) != expected:
            raise ValueError(f"{what} must have shape {expected}, got {tuple(hx.shape)}")
        return x, hx if batched else hx.unsqueeze(0), batched


class RNNCell(_Cell):
    """``torch.nn.RNNCell`` from scratch: ``input: (B, I)``, ``hx: (B, H)`` (or unbatched) → ``h': (B, H)``."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device=None, dtype=None):
        if nonlinearity not in NONLINEARITIES:
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, device, dtype)

    def forward(self, input: torch.Tensor, hx: torch.Tensor | None = None) -> torch.Tensor:
        x, h, batched = self._prepare(input, hx)
        h = rnn_step(x, h, *self._weights(), nonlinearity=self.nonlinearity)
        return h if batched else h.squeeze(0)


class LSTMCell(_Cell):
    """``torch.nn.LSTMCell`` from scratch: ``input: (B, I)``, ``hx = (h, c)`` each ``(B, H)`` → ``(h', c')``."""

    mode = "LSTM"

    def forward(self, input: torch.Tensor, hx: tuple[torch.Tensor, torch.Tensor] | None = None):
        if hx is not None and (not isinstance(hx, (tuple, list)) or len(hx) != 2):
            raise TypeError("an LSTMCell's hx must be a pair (h, c)")
        x, h, batched = self._prepare(input, None if hx is None else hx[0], "h")
        _, c, _ = self._prepare(input, None if hx is None else hx[1], "c")
        h, c = lstm_step(x, (h, c), *self._weights())
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(_Cell):
    """``torch.nn.GRUCell`` from scratch: ``input: (B, I)``, ``hx: (B, H)`` → ``h': (B, H)``."""

    mode = "GRU"

    def forward(self, input: torch.Tensor, hx: torch.Tensor | None = None) -> torch.Tensor:
        x, h, batched = self._prepare(input, hx)
        h = gru_step(x, h, *self._weights())
        return h if batched else h.squeeze(0)
