import pytest
import torch
from hypothesis import given, settings

from dlbook import check, cnn

from .test_convolution import conv_settings


@settings(max_examples=60, deadline=None)
@given(conv_settings())
def test_hand_derived_gradients_equal_autograd(case):
    x, weight, bias, kw = case
    x, weight = x.clone().requires_grad_(True), weight.clone().requires_grad_(True)
    y = torch.nn.functional.conv2d(x, weight, bias, **kw)
    g = torch.randn_like(y)
    gx, gw = torch.autograd.grad(y, [x, weight], g)
    check.close(cnn.conv2d_input_grad(g, weight, x.shape[-2:], **kw), gx, atol=1e-10)
    check.close(cnn.conv2d_weight_grad(x, g, weight.shape[-2:], **kw), gw, atol=1e-10)
    check.close(cnn.conv2d_bias_grad(g), g.sum((0, 2, 3)))


def test_against_finite_differences():
    gen = torch.Generator().manual_seed(0)
    x, w = torch.randn(1, 2, 5, 5, generator=gen, dtype=torch.float64), torch.randn(3, 2, 3, 3, generator=gen,
                                                                                       dtype=torch.float64)
    g = torch.randn(1, 3, 2, 2, generator=gen, dtype=torch.float64)
    fx, = check.finite_differences(lambda x: (cnn.conv2d(x, w, stride=2) * g).sum(), x)
    check.close(cnn.conv2d_input_grad(g, w, (5, 5), stride=2), fx, atol=1e-6)


def test_bad_input_names_the_problem():
    g, w = torch.randn(1, 3, 2, 2), torch.randn(4, 2, 3, 3)
    with pytest.raises(ValueError, match="channels"):
        cnn.conv2d_input_grad(g, w, (4, 4))
    with pytest.raises(ValueError, match="does not give"):
        cnn.conv2d_input_grad(torch.randn(1, 4, 5, 5), w, (3, 3))
    with pytest.raises(ValueError, match="batch size"):
        cnn.conv2d_weight_grad(torch.randn(2, 2, 4, 4), torch.randn(1, 4, 2, 2), 3)
