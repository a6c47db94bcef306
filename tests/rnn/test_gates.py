import pytest
import torch
from torch import nn

from dlbook import check, rnn


def test_unroll_matches_the_cell_and_the_cell_path_is_the_forget_product():
    torch.manual_seed(0)
    cell = rnn.LSTMCell(3, 4).double()
    x = torch.randn(6, 2, 3, dtype=torch.float64)
    run = rnn.lstm_unroll(cell, x)
    h, c = torch.zeros(2, 4, dtype=torch.float64), torch.zeros(2, 4, dtype=torch.float64)
    for t in range(6):
        h, c = cell(x[t], (h, c))
        check.close((run["h"][t], run["c"][t]), (h, c), atol=1e-12)
    h1, c1 = run["h"][0], run["c"][0]
    gates = rnn.lstm_unroll(cell, x[1:], (h1, c1))["f"]
    jac = torch.autograd.functional.jacobian(
        lambda c0: rnn.lstm_unroll(cell, x[1:], (h1, c0), cell_path_only=True)["c"][-1], c1)  # (B, H, B, H)
    expected = torch.zeros_like(jac)
    product = gates.prod(0)
    for b in range(2):
        expected[b, :, b, :] = torch.diag(product[b])
    check.close(jac, expected, atol=1e-12)
    full = torch.autograd.functional.jacobian(lambda c0: rnn.lstm_unroll(cell, x[1:], (h1, c0))["c"][-1], c1)
    assert (full - expected).abs().max() > 1e-6   # the paths through h add to it


@pytest.mark.parametrize("module", [nn.LSTM(3, 8, num_layers=2, bidirectional=True), rnn.LSTM(3, 8), nn.GRU(3, 8),
                                    rnn.GRU(3, 8, num_layers=2)])
def test_chrono_init_spreads_memory_times(module):
    rnn.chrono_init_(module, 50, generator=torch.Generator().manual_seed(0))
    for layer in range(module.num_layers):
        times = rnn.memory_time(rnn.carry_gate_bias(module, layer))
        assert (times >= 2 - 1e-6).all() and (times <= 50 + 1e-4).all()
    if "LSTM" in type(module).__name__:
        H = module.hidden_size
        b = module.bias_ih_l0 + module.bias_hh_l0
        check.close(b[:H], -b[H:2 * H])


def test_memory_time_is_one_over_one_minus_the_gate():
    b = torch.linspace(-3, 5, 9, dtype=torch.float64)
    check.close(rnn.memory_time(b), 1 / (1 - torch.sigmoid(b)), rtol=1e-9)


def test_bad_input_names_the_problem():
    with pytest.raises(TypeError, match="LSTM cell"):
        rnn.lstm_unroll(nn.GRUCell(2, 3), torch.randn(2, 1, 2))
    with pytest.raises(ValueError, match=r"\(T, B, 2\)"):
        rnn.lstm_unroll(nn.LSTMCell(2, 3), torch.randn(2, 2))
    with pytest.raises(TypeError, match="LSTM or GRU"):
        rnn.chrono_init_(nn.RNN(2, 3), 10)
    with pytest.raises(ValueError, match="max_delay"):
        rnn.chrono_init_(nn.LSTM(2, 3), 1)
    with pytest.raises(ValueError, match="bias=False"):
        rnn.chrono_init_(nn.GRU(2, 3, bias=False), 10)
