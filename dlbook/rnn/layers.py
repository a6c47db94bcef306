"""Multi-layer, optionally bidirectional recurrent layers: ``RNN``, ``LSTM`` and ``GRU`` from scratch.

They take PyTorch's constructor arguments and return what PyTorch returns; their
parameters carry PyTorch's names (``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``,
``bias_hh_l0``, ``…_reverse`` for the backward direction), so a state dict moves between
``dlbook.rnn.LSTM`` and ``torch.nn.LSTM`` both ways. One extra keyword, ``lengths``,
runs a padded batch as PyTorch runs a ``PackedSequence``: each sequence stops at its own
length, the backward direction starts at its own last element, and padded outputs are zero.
"""
from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from .cells import GATES, NONLINEARITIES, check_size, gru_step, lstm_step, rnn_step


def _blend(keep: torch.Tensor, new, old):
    """``new`` where ``keep`` (B, 1) is true, ``old`` elsewhere; states may be pairs (LSTM)."""
    if isinstance(new, tuple):
        return tuple(torch.where(keep, n, o) for n, o in zip(new, old))
    return torch.where(keep, new, old)


class _Recurrent(nn.Module):
    mode = "RNN"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size = check_size(input_size, "input_size"), check_size(hidden_size, "hidden_size")
        self.num_layers = check_size(num_layers, "num_layers")
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
            raise ValueError(f"dropout must be a probability in [0, 1), got {dropout!r}")
        self.bias, self.batch_first, self.bidirectional = bool(bias), bool(batch_first), bool(bidirectional)
        self.dropout = float(dropout)
        rows, directions = GATES[self.mode] * hidden_size, 2 if bidirectional else 1
        factory = dict(device=device, dtype=dtype)
        self._names: list[list[tuple[str, ...]]] = []
        for layer in range(num_layers):
            width = input_size if layer == 0 else hidden_size * directions
            per_direction = []
            for suffix in ("", "_reverse")[:directions]:
                names = [f"weight_ih_l{layer}{suffix}", f"weight_hh_l{layer}{suffix}"]
                setattr(self, names[0], nn.Parameter(torch.empty(rows, width, **factory)))
                setattr(self, names[1], nn.Parameter(torch.empty(rows, hidden_size, **factory)))
                if bias:
                    names += [f"bias_ih_l{layer}{suffix}", f"bias_hh_l{layer}{suffix}"]
                    setattr(self, names[2], nn.Parameter(torch.empty(rows, **factory)))
                    setattr(self, names[3], nn.Parameter(torch.empty(rows, **factory)))
                per_direction.append(tuple(names))
            self._names.append(per_direction)
        self.reset_parameters()

    @property
    def num_directions(self) -> int:
        return 2 if self.bidirectional else 1

    def reset_parameters(self) -> None:
        """Every parameter uniform in ``(−1/√H, 1/√H)``, as PyTorch does."""
        bound = 1 / math.sqrt(self.hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def extra_repr(self) -> str:
        text = f"{self.input_size}, {self.hidden_size}"
        for name, default in (("num_layers", 1), ("bias", True), ("batch_first", False), ("dropout", 0.0),
                              ("bidirectional", False)):
            if getattr(self, name) != default:
                text += f", {name}={getattr(self, name)}"
        return text

    def _step(self, x, state, weights):
        raise NotImplementedError

    def _output(self, state) -> torch.Tensor:
        return state

    def _initial_states(self, hx, batch: int, like: torch.Tensor, batched: bool):
        shape = (self.num_layers * self.num_directions, batch, self.hidden_size)
        if hx is None:
            return like.new_zeros(shape)
        if not isinstance(hx, torch.Tensor):
            raise TypeError(f"hx must be a tensor, got {type(hx).__name__}")
        expected = shape if batched else (shape[0], shape[2])
        if tuple(hx.shape) != expected:
            raise ValueError(f"hx must have shape {expected} (num_layers·directions, batch, hidden_size), "
                             f"got {tuple(hx.shape)}")
        return hx if batched else hx.unsqueeze(1)

    def _prepare_hx(self, hx, batch, like, batched):
        return self._initial_states(hx, batch, like, batched)

    def forward(self, input: torch.Tensor, hx=None, *, lengths: torch.Tensor | Sequence[int] | None = None):
        """``input: (T, B, I)`` (``(B, T, I)`` with ``batch_first``, or unbatched ``(T, I)``) →
        ``(output, h_n)``, ``output: (T, B, D·H)``, ``h_n: (L·D, B, H)`` (``(output, (h_n, c_n))`` for the LSTM).

        ``lengths: (B,)`` marks each sequence's true length in a padded batch: states stop
        updating after it and the padded outputs are zero, as with a ``PackedSequence``.
        """
        if not isinstance(input, torch.Tensor):
            raise TypeError(f"input must be a tensor, got {type(input).__name__}")
        if input.dim() not in (2, 3):
            raise ValueError(f"{type(self).__name__} expects input of rank 3 (or 2 unbatched), "
                             f"got shape {tuple(input.shape)}")
        if input.shape[-1] != self.input_size:
            raise ValueError(f"input has {input.shape[-1]} features, the layer expects input_size={self.input_size}")
        batched = input.dim() == 3
        x = (input.transpose(0, 1) if self.batch_first else input) if batched else input.unsqueeze(1)
        steps, batch = x.shape[0], x.shape[1]
        if steps == 0:
            raise ValueError("input has no time steps")
        states = self._prepare_hx(hx, batch, x, batched)
        mask = None
        if lengths is not None:
            lengths = torch.as_tensor(lengths, device=x.device)
            if lengths.shape != (batch,) or lengths.is_floating_point():
                raise ValueError(f"lengths must be {batch} integers (one per sequence), got {tuple(lengths.shape)}"
                                 f" {lengths.dtype}")
            if lengths.min() < 1 or lengths.max() > steps:
                raise ValueError(f"lengths must lie in [1, {steps}], got {lengths.min().item()}..{lengths.max().item()}")
            mask = (torch.arange(steps, device=x.device)[:, None] < lengths)[..., None]  # (T, B, 1)
        finals = []
        for layer, directions in enumerate(self._names):
            outputs = []
            for direction, names in enumerate(directions):
                weights = [getattr(self, n) for n in names] + [None, None][:4 - len(names)]
                index = layer * self.num_directions + direction
                state = self._state_at(states, index)
                out = [None] * steps
                for t in (range(steps - 1, -1, -1) if direction else range(steps)):
                    new = self._step(x[t], state, weights)
                    state = new if mask is None else _blend(mask[t], new, state)
                    out[t] = self._output(state) if mask is None else self._output(state) * mask[t]
                outputs.append(torch.stack(out))
                finals.append(state)
            x = torch.cat(outputs, dim=-1) if len(outputs) > 1 else outputs[0]
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, training=True)
        output = (x.transpose(0, 1) if self.batch_first else x) if batched else x.squeeze(1)
        return output, self._stack_finals(finals, batched)

    def _state_at(self, states, index):
        return states[index]

    def _stack_finals(self, finals, batched):
        h_n = torch.stack(finals)
        return h_n if batched else h_n.squeeze(1)


class RNN(_Recurrent):
    """``torch.nn.RNN`` from scratch (Elman network, ``nonlinearity`` ``'tanh'`` or ``'relu'``).

    ``input: (T, B, I)`` or ``(B, T, I)`` with ``batch_first`` → ``output: (T, B, D·H)``, ``h_n: (L·D, B, H)``.
    """

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, nonlinearity: str = "tanh",
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None):
        if nonlinearity not in NONLINEARITIES:
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, device, dtype)

    def _step(self, x, state, weights):
        return rnn_step(x, state, *weights, nonlinearity=self.nonlinearity)


class GRU(_Recurrent):
    """``torch.nn.GRU`` from scratch (gates ``r, z, n``).

    ``input: (T, B, I)`` or ``(B, T, I)`` with ``batch_first`` → ``output: (T, B, D·H)``, ``h_n: (L·D, B, H)``.
    """

    mode = "GRU"

    def _step(self, x, state, weights):
        return gru_step(x, state, *weights)


class LSTM(_Recurrent):
    """``torch.nn.LSTM`` from scratch (gates ``i, f, g, o``; no ``proj_size``).

    ``input: (T, B, I)`` or ``(B, T, I)`` with ``batch_first``, ``hx = (h_0, c_0)`` each ``(L·D, B, H)`` →
    ``(output, (h_n, c_n))`` with ``output: (T, B, D·H)``.
    """

    mode = "LSTM"

    def _step(self, x, state, weights):
        return lstm_step(x, state, *weights)

    def _output(self, state):
        return state[0]

    def _prepare_hx(self, hx, batch, like, batched):
        if hx is None:
            return (self._initial_states(None, batch, like, batched),) * 2
        if not isinstance(hx, (tuple, list)) or len(hx) != 2:
            raise TypeError("an LSTM's hx must be a pair (h_0, c_0)")
        return tuple(self._initial_states(s, batch, like, batched) for s in hx)

    def _state_at(self, states, index):
        return states[0][index], states[1][index]

    def _stack_finals(self, finals, batched):
        h_n, c_n = torch.stack([h for h, _ in finals]), torch.stack([c for _, c in finals])
        return (h_n, c_n) if batched else (h_n.squeeze(1), c_n.squeeze(1))
