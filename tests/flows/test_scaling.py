import pytest
import torch
from hypothesis import given, settings

from dlbook import flows
from flows.strategies import autograd_log_det, batch_and_dim, randomize_
from helpers import assert_close, randn


@settings(max_examples=10, deadline=None)
@given(batch_and_dim)
def test_diagonal_scaling(shape):
    n, dim = shape
    layer = randomize_(flows.DiagonalScaling(dim).double())
    x = randn(n, dim, seed=3)
    y, log_det = layer(x)
    assert_close(y, x * layer.log_scale.exp())
    assert_close(log_det, autograd_log_det(layer, x))
    assert_close(layer.inverse(y), x)


def test_actnorm_initialises_from_the_first_batch():
    layer = flows.ActNorm(3).double()
    x = randn(50, 3, seed=4) * torch.tensor([1.0, 3.0, 0.5], dtype=torch.float64) + 2
    y, log_det = layer(x)
    assert bool(layer.initialized)
    assert_close(y.mean(0), torch.zeros(3, dtype=torch.float64), atol=1e-10)
    assert_close(y.std(0), torch.ones(3, dtype=torch.float64), atol=1e-5)
    assert_close(log_det, -torch.log(x.std(0) + layer.eps).sum().expand(50))
    assert_close(log_det[:3], autograd_log_det(layer, x[:3]))
    assert_close(layer.inverse(y), x)
    before = layer.bias.clone()
    layer(x + 10)  # later batches do not re-initialise
    assert torch.equal(layer.bias, before)


def test_actnorm_eval_mode_does_not_initialise_and_state_dict_keeps_the_flag():
    layer = flows.ActNorm(2).eval()
    y, _ = layer(torch.ones(4, 2))
    assert not bool(layer.initialized) and torch.equal(y, torch.ones(4, 2))
    layer.train()(torch.randn(8, 2))
    other = flows.ActNorm(2)
    other.load_state_dict(layer.state_dict())
    assert bool(other.initialized)


def test_actnorm_bad_input():
    with pytest.raises(ValueError, match="at least 2 rows"):
        flows.ActNorm(2)(torch.zeros(1, 2))
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        flows.ActNorm(2)(torch.zeros(3, 3))
    with pytest.raises(TypeError, match="floating-point"):
        flows.DiagonalScaling(2)(torch.zeros(3, 2, dtype=torch.int32))
