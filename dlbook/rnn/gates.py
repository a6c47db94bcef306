"""Why gates help: the LSTM's additive cell-state path, and an initialisation that keeps it open.

Along the cell state alone, ``c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t`` gives
``∂c_T/∂c_t = diag(∏_{k=t+1}^{T} f_k)``: no weight matrix and no squashing derivative, only
the forget gates. :func:`lstm_unroll` runs an LSTM cell step by step and returns its gates;
with ``cell_path_only`` the gates read a detached ``h``, so autograd sees that path alone.
:func:`chrono_init_` sets the gate biases so that the forget (LSTM) or update (GRU) gates
start near 1 with memory times spread up to ``max_delay`` (Tallec and Ollivier, 2018).
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .cells import LSTMCell


def lstm_unroll(cell: nn.Module, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None, *,
                cell_path_only: bool = False) -> dict[str, torch.Tensor]:
    """Run an LSTM cell (ours or ``torch.nn.LSTMCell``) over ``x: (T, B, I)`` from ``state = (h_0, c_0)``.

    Returns ``h, c, i, f, g, o``, each ``(T, B, H)``. With ``cell_path_only`` the recurrent input
    to the gates is ``h_{t−1}.detach()``, so gradients reach ``c_{t−1}`` only through ``f_t ⊙ c_{t−1}``.
    """
    if not isinstance(cell, (LSTMCell, nn.LSTMCell)):
        raise TypeError(f"lstm_unroll needs an LSTM cell, got {type(cell).__name__}")
    if x.dim() != 3 or x.shape[-1] != cell.input_size:
        raise ValueError(f"x must be (T, B, {cell.input_size}), got shape {tuple(x.shape)}")
    H = cell.hidden_size
    h, c = state if state is not None else (x.new_zeros(x.shape[1], H),) * 2
    record = {k: [] for k in "hcifgo"}
    for x_t in x:
        recurrent = h.detach() if cell_path_only else h
        z = F.linear(x_t, cell.weight_ih, cell.bias_ih) + F.linear(recurrent, cell.weight_hh, cell.bias_hh)
        i, f, g, o = torch.sigmoid(z[:, :H]), torch.sigmoid(z[:, H:2 * H]), torch.tanh(z[:, 2 * H:3 * H]), \
            torch.sigmoid(z[:, 3 * H:])
        c = f * c + i * g
        h = o * torch.tanh(c)
        for name, value in zip("hcifgo", (h, c, i, f, g, o)):
            record[name].append(value)
    return {name: torch.stack(values) for name, values in record.items()}


def memory_time(bias: torch.Tensor | float) -> torch.Tensor:
    """The characteristic memory ``1 / (1 − σ(b)) = 1 + e^b`` steps of a gate with bias ``b`` (any shape)."""
    return 1 + torch.exp(torch.as_tensor(bias, dtype=torch.float64))


@torch.no_grad()
def chrono_init_(module: nn.Module, max_delay: int, *, generator: torch.Generator | None = None) -> nn.Module:
    """Chrono initialisation of every layer of an LSTM or GRU (ours or torch's), in place.

    Each unit's carry gate gets bias ``b = log(u)``, ``u ~ U[1, max_delay − 1]``, so its memory
    time ``1 + e^b`` is spread over ``[2, max_delay]``: the LSTM's forget gate (with the input
    gate at ``−b``), the GRU's update gate ``z``. ``bias_ih`` holds the value, ``bias_hh`` zero
    there (PyTorch adds the two). Returns ``module``.
    """
    mode = "LSTM" if isinstance(module, (nn.LSTM,)) or type(module).__name__ == "LSTM" else \
        "GRU" if isinstance(module, nn.GRU) or type(module).__name__ == "GRU" else None
    if mode is None:
        raise TypeError(f"chrono_init_ needs an LSTM or GRU layer, got {type(module).__name__}")
    if isinstance(max_delay, bool) or not isinstance(max_delay, int) or max_delay < 2:
        raise ValueError(f"max_delay must be an int ≥ 2, got {max_delay!r}")
    if not module.bias:
        raise ValueError("chrono_init_ sets gate biases; this layer has bias=False")
    H = module.hidden_size
    for name, p in module.named_parameters():
        if not name.startswith("bias_ih"):
            continue
        u = 1 + torch.rand(H, generator=generator, dtype=torch.float64) * (max_delay - 2)
        b = torch.log(u).to(p)
        hh = getattr(module, name.replace("bias_ih", "bias_hh"))
        hh[H:2 * H] = 0.0                      # f (LSTM: i, f, g, o) or z (GRU: r, z, n)
        p[H:2 * H] = b
        if mode == "LSTM":
            hh[:H], p[:H] = 0.0, -b            # input gate i: closed as much as f is open
    return module


def carry_gate_bias(module: nn.Module, layer: int = 0) -> torch.Tensor:
    """The summed bias ``b_ih + b_hh`` of the forget (LSTM) or update (GRU) gate of ``layer``: ``(H,)``."""
    H = module.hidden_size
    return (getattr(module, f"bias_ih_l{layer}") + getattr(module, f"bias_hh_l{layer}"))[H:2 * H].detach()

