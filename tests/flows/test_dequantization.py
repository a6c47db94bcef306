import math

import pytest
import torch
from hypothesis import given, settings

from dlbook import flows
from flows.strategies import autograd_log_det, batch_and_dim
from helpers import assert_close


def test_dequantize_keeps_each_value_in_its_bin():
    k = torch.randint(0, 17, (100, 5)).float()
    y = flows.dequantize(k, 17, generator=torch.Generator().manual_seed(0))
    assert y.shape == k.shape and y.dtype == torch.float32
    assert torch.equal(torch.floor(y * 17), k)
    again = flows.dequantize(k, 17, generator=torch.Generator().manual_seed(0))
    assert torch.equal(y, again)


def test_bits_per_dim_of_the_uniform_density():
    log_prob = torch.zeros(4)  # uniform on [0, 1)^D has density 1
    assert_close(flows.bits_per_dim(log_prob, 64, 17), torch.full((4,), math.log2(17)), atol=1e-6, rtol=0)


def test_dequantize_and_bits_per_dim_bad_input():
    k = torch.zeros(3, 2)
    with pytest.raises(ValueError, match="levels must be an int >= 2"):
        flows.dequantize(k, 1)
    with pytest.raises(ValueError, match=r"integers in \[0, 16\]"):
        flows.dequantize(k + 17, 17)
    with pytest.raises(ValueError, match="integers"):
        flows.dequantize(k + 0.5, 17)
    with pytest.raises(ValueError, match=r"shape \(N, D\)"):
        flows.dequantize(torch.zeros(3), 17)
    with pytest.raises(ValueError, match="levels"):
        flows.bits_per_dim(torch.zeros(3), 4, 1.5)
    with pytest.raises(ValueError, match="dim must be a positive int"):
        flows.bits_per_dim(torch.zeros(3), 0, 17)
    with pytest.raises(ValueError, match=r"log_prob must be a tensor of shape \(N,\)"):
        flows.bits_per_dim(torch.zeros(3, 1), 4, 17)


@settings(max_examples=10, deadline=None)
@given(batch_and_dim)
def test_logit_transform_against_torch_logit(shape):
    n, dim = shape
    layer = flows.LogitTransform(dim, alpha=0.05)
    x = torch.rand(n, dim, generator=torch.Generator().manual_seed(n), dtype=torch.float64)
    y, log_det = layer(x)
    assert_close(y, torch.logit(0.05 + 0.9 * x))
    assert_close(log_det, autograd_log_det(layer, x))
    assert_close(layer.inverse(y), x, atol=1e-12)
    assert "alpha=0.05" in repr(layer)
    with pytest.raises(ValueError, match=r"alpha must lie in \(0, 0.5\)"):
        flows.LogitTransform(dim, alpha=0.5)
