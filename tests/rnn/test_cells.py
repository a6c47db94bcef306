import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from dlbook import check, rnn


class Flat(nn.Module):
    """Flattens an LSTM cell's (h, c) so that check.same_as_torch compares both."""

    def __init__(self, cell):
        super().__init__()
        self.cell = cell

    def forward(self, x, *state):
        out = self.cell(x, tuple(state) if len(state) == 2 else (state[0] if state else None))
        return tuple(out) if isinstance(out, tuple) else out


@settings(max_examples=15, deadline=None)
@given(kind=st.sampled_from(["RNN", "LSTM", "GRU"]), bias=st.booleans(), batch=st.integers(1, 4),
       batched=st.booleans(), seed=st.integers(0, 99))
def test_cells_equal_torch(kind, bias, batch, batched, seed):
    torch.manual_seed(seed)
    ours, theirs = getattr(rnn, kind + "Cell")(3, 5, bias=bias), getattr(nn, kind + "Cell")(3, 5, bias=bias)
    x = torch.randn(batch, 3) if batched else torch.randn(3)
    h = torch.randn(batch, 5) if batched else torch.randn(5)
    state = (h, torch.randn_like(h)) if kind == "LSTM" else (h,)
    check.same_as_torch(Flat(ours), Flat(theirs), x, *state)
    check.same_as_torch(Flat(ours), Flat(theirs), x)  # zero initial state


def test_relu_cell_and_torch_loads_our_state():
    ours = rnn.RNNCell(2, 3, nonlinearity="relu")
    theirs = nn.RNNCell(2, 3, nonlinearity="relu")
    theirs.load_state_dict(ours.state_dict())
    x, h = torch.randn(4, 2), torch.randn(4, 3)
    check.close(ours(x, h), theirs(x, h))


def test_step_functions_follow_the_equations():
    torch.manual_seed(0)
    cell = rnn.GRUCell(2, 3).double()
    x, h = torch.randn(1, 2, dtype=torch.float64), torch.randn(1, 3, dtype=torch.float64)
    W, U, b, c = cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh
    r = torch.sigmoid(x @ W[:3].T + b[:3] + h @ U[:3].T + c[:3])
    z = torch.sigmoid(x @ W[3:6].T + b[3:6] + h @ U[3:6].T + c[3:6])
    n = torch.tanh(x @ W[6:].T + b[6:] + r * (h @ U[6:].T + c[6:]))
    check.close(cell(x, h), (1 - z) * n + z * h)


def test_bad_input_names_the_problem():
    cell = rnn.LSTMCell(3, 4)
    with pytest.raises(ValueError, match="input_size=3"):
        cell(torch.randn(2, 5))
    with pytest.raises(ValueError, match=r"\(B, input_size\)"):
        cell(torch.randn(2, 2, 3))
    with pytest.raises(ValueError, match="h must have shape"):
        cell(torch.randn(2, 3), (torch.zeros(3, 4), torch.zeros(2, 4)))
    with pytest.raises(TypeError, match="pair"):
        cell(torch.randn(2, 3), torch.zeros(2, 4))
    with pytest.raises(ValueError, match="hx must have shape"):
        rnn.GRUCell(3, 4)(torch.randn(2, 3), torch.zeros(2, 5))
    with pytest.raises(ValueError, match="nonlinearity"):
        rnn.RNNCell(3, 4, nonlinearity="gelu")
    with pytest.raises(ValueError, match="input_size"):
        rnn.RNNCell(0, 4)
    with pytest.raises(TypeError, match="tensor"):
        rnn.GRUCell(3, 4)([1.0, 2.0, 3.0])
