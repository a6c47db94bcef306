import pytest
import torch
from torch import nn

from dlbook import check, rnn


def per_step_mse(output, target):
    return 0.5 * ((output - target) ** 2).sum() / len(output)


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 10])
def test_truncated_gradient_is_the_windowed_recursion(chunk):
    torch.manual_seed(chunk)
    T, B, I, H = 7, 3, 2, 4
    layer = nn.RNN(I, H).double()
    x, target = torch.randn(T, B, I, dtype=torch.float64), torch.randn(T, B, H, dtype=torch.float64)
    h0 = torch.randn(1, B, H, dtype=torch.float64)
    loss, state = rnn.truncated_bptt(layer, nn.Identity(), x, target, chunk=chunk, loss_fn=per_step_mse, state=h0)
    W_xh, W_hh = layer.weight_ih_l0.detach(), layer.weight_hh_l0.detach()
    bias = (layer.bias_ih_l0 + layer.bias_hh_l0).detach()
    states = rnn.unroll(x, h0[0], W_xh, W_hh, bias)
    g = rnn.bptt(x, h0[0], W_xh, W_hh, states, (states - target) / T, truncate=chunk)
    check.close((layer.weight_ih_l0.grad, layer.weight_hh_l0.grad, layer.bias_hh_l0.grad),
                (g.weight_xh, g.weight_hh, g.bias), atol=1e-12)
    check.close(loss, per_step_mse(states, target).item() * 1.0, atol=1e-12)
    check.close(state[0], states[-1], atol=1e-12)
    assert not state.requires_grad


def test_lstm_state_pairs_are_detached():
    layer, head = nn.LSTM(2, 3), nn.Linear(3, 1)
    loss, (h, c) = rnn.truncated_bptt(layer, head, torch.randn(5, 2, 2), torch.randn(5, 2, 1), chunk=2,
                                      loss_fn=nn.functional.mse_loss)
    assert not h.requires_grad and not c.requires_grad and loss > 0
    assert rnn.detach_state(None) is None


def test_bad_input_names_the_problem():
    layer = nn.RNN(2, 3)
    with pytest.raises(ValueError, match="chunk"):
        rnn.truncated_bptt(layer, nn.Identity(), torch.randn(4, 1, 2), torch.randn(4, 1, 3), chunk=0,
                           loss_fn=per_step_mse)
    with pytest.raises(ValueError, match=r"\(T, B, I\)"):
        rnn.truncated_bptt(layer, nn.Identity(), torch.randn(4, 2), torch.randn(4, 3), chunk=2, loss_fn=per_step_mse)
    with pytest.raises(ValueError, match="targets"):
        rnn.truncated_bptt(layer, nn.Identity(), torch.randn(4, 1, 2), torch.randn(5, 1, 3), chunk=2,
                           loss_fn=per_step_mse)
    with pytest.raises(ValueError, match="batch_first"):
        rnn.truncated_bptt(nn.RNN(2, 3, batch_first=True), nn.Identity(), torch.randn(4, 1, 2),
                           torch.randn(4, 1, 3), chunk=2, loss_fn=per_step_mse)
