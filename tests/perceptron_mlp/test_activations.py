import math

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn
from torch.nn import functional as F

from dlbook.perceptron_mlp import activations as A

SMOOTH = ["sigmoid", "tanh", "relu", "leaky_relu", "gelu", "gelu_tanh", "softplus"]
BUILTIN_MODULES = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "leaky_relu": nn.LeakyReLU,
                   "gelu": nn.GELU, "gelu_tanh": lambda: nn.GELU(approximate="tanh"), "softplus": nn.Softplus}

shapes = st.lists(st.integers(1, 5), min_size=0, max_size=3)


def builtin_grad(name, x):
    """torch's own derivative of its built-in activation, by autograd."""
    x = x.clone().requires_grad_(True)
    BUILTIN_MODULES[name]()(x).sum().backward()
    return x.grad


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(list(A.ACTIVATIONS)), shape=shapes, seed=st.integers(0, 2**16),
       dtype=st.sampled_from([torch.float32, torch.float64]))
def test_values_match_torch_builtins(name, shape, seed, dtype):
    x = 4 * torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)
    act = A.ACTIVATIONS[name]
    out = act(x)
    assert out.shape == x.shape and out.dtype == dtype
    tol = dict(atol=1e-6, rtol=1e-5) if dtype == torch.float32 else dict(atol=1e-12, rtol=1e-10)
    torch.testing.assert_close(out, act.builtin(x), **tol)


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(SMOOTH), shape=shapes, seed=st.integers(0, 2**16))
def test_hand_derivatives_match_autograd_of_the_builtins(name, shape, seed):
    x = 4 * torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    torch.testing.assert_close(A.ACTIVATIONS[name].derivative(x), builtin_grad(name, x), atol=1e-12, rtol=1e-10)


@pytest.mark.parametrize("name", SMOOTH)
def test_autograd_through_our_functions_matches_the_builtins_including_zero(name):
    x = torch.tensor([-3.0, -0.5, 0.0, 1e-3, 2.0], dtype=torch.float64, requires_grad=True)
    A.ACTIVATIONS[name](x).sum().backward()
    torch.testing.assert_close(x.grad, builtin_grad(name, x.detach()), atol=1e-12, rtol=1e-10)


@pytest.mark.parametrize("name", SMOOTH)
def test_derivative_at_zero_follows_pytorch(name):
    zero = torch.zeros(1, dtype=torch.float64)
    torch.testing.assert_close(A.ACTIVATIONS[name].derivative(zero), builtin_grad(name, zero))


def builtin_second_derivative(name, x):
    """h''(x) of torch's built-in activation, by differentiating its autograd derivative once more."""
    x = x.clone().requires_grad_(True)
    (first,) = torch.autograd.grad(BUILTIN_MODULES[name]()(x).sum(), x, create_graph=True)
    if not first.requires_grad:  # piecewise-linear: the derivative has no graph back to x, h'' = 0
        return torch.zeros_like(x)
    (second,) = torch.autograd.grad(first.sum(), x)
    return second


WITH_SECOND = ["sigmoid", "tanh", "relu", "leaky_relu", "gelu", "softplus"]


@pytest.mark.parametrize("name", WITH_SECOND)
def test_second_derivatives_match_autograd_of_the_builtins(name):
    x = torch.cat([torch.linspace(-8, 8, 161, dtype=torch.float64), torch.tensor([1e-3, -1e-3], dtype=torch.float64)])
    torch.testing.assert_close(A.ACTIVATIONS[name].second_derivative(x), builtin_second_derivative(name, x),
                               atol=1e-12, rtol=1e-10)


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(["sigmoid", "tanh"]), seed=st.integers(0, 2**16))
def test_sigmoid_and_tanh_second_derivatives_on_random_inputs(name, seed):
    x = 3 * torch.randn(7, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    torch.testing.assert_close(A.ACTIVATIONS[name].second_derivative(x), builtin_second_derivative(name, x),
                               atol=1e-12, rtol=1e-10)
    assert A.ACTIVATIONS[name].second_derivative(torch.zeros(1, dtype=torch.float64)).item() == 0.0  # h'' is odd


def test_second_derivative_is_absent_only_where_not_written_out():
    assert {n for n, a in A.ACTIVATIONS.items() if a.second_derivative is None} == {"step", "gelu_tanh"}
    x = torch.linspace(-3, 3, 61, dtype=torch.float64)
    xg = x.clone().requires_grad_(True)
    (first,) = torch.autograd.grad(F.softplus(xg, beta=2.5, threshold=1e9).sum(), xg, create_graph=True)
    (second,) = torch.autograd.grad(first.sum(), xg)
    torch.testing.assert_close(A.softplus_grad2(x, beta=2.5), second)


def test_step_values_and_zero_derivative_away_from_zero():
    x = torch.tensor([-2.0, -1e-9, 0.0, 1e-9, 3.0], dtype=torch.float64)
    assert A.step(x).tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]
    h = 1e-6
    away = torch.tensor([-1.0, -0.1, 0.2, 5.0], dtype=torch.float64)
    finite = (A.step(away + h) - A.step(away - h)) / (2 * h)
    assert torch.equal(A.step_grad(away), finite)


def test_parameters_match_builtins():
    x = torch.linspace(-6, 6, 101, dtype=torch.float64)
    torch.testing.assert_close(A.leaky_relu(x, 0.2), F.leaky_relu(x, 0.2))
    torch.testing.assert_close(A.leaky_relu_grad(x, 0.2), torch.where(x > 0, 1.0, 0.2).double())
    torch.testing.assert_close(A.softplus(x, beta=2.5), F.softplus(x, beta=2.5, threshold=1e9))
    xg = x.clone().requires_grad_(True)
    F.softplus(xg, beta=2.5, threshold=1e9).sum().backward()
    torch.testing.assert_close(A.softplus_grad(x, beta=2.5), xg.grad)


def test_extreme_inputs_stay_finite():
    x = torch.tensor([-1000.0, -50.0, 50.0, 1000.0], dtype=torch.float64, requires_grad=True)
    for name in SMOOTH:
        x.grad = None
        out = A.ACTIVATIONS[name](x)
        out.sum().backward()
        assert torch.isfinite(out).all() and torch.isfinite(x.grad).all(), name
        assert torch.isfinite(A.ACTIVATIONS[name].derivative(x.detach())).all(), name
    assert A.sigmoid(x.detach()).tolist()[0] == 0.0 and A.sigmoid(x.detach()).tolist()[-1] == 1.0
    assert A.softplus(x.detach()).tolist()[-1] == 1000.0
    assert A.tanh(x.detach()).tolist() == [-1.0, -1.0, 1.0, 1.0]


def test_gelu_tanh_approximation_is_close_but_not_equal():
    x = torch.linspace(-5, 5, 1001, dtype=torch.float64)
    gap = (A.gelu(x) - A.gelu(x, approximate="tanh")).abs().max()
    assert 1e-5 < gap < 1e-3


def test_elementwise_layer_applies_the_function_and_trains_like_torch():
    torch.manual_seed(0)
    x = torch.randn(4, 3)
    for name in SMOOTH:
        layer = A.Elementwise(name)
        torch.testing.assert_close(layer(x), BUILTIN_MODULES[name]()(x))
        assert name in repr(layer)


def test_bad_input_is_rejected_clearly():
    with pytest.raises(TypeError, match="torch.Tensor"):
        A.sigmoid([0.0, 1.0])
    with pytest.raises(TypeError, match="floating-point"):
        A.relu(torch.tensor([1, 2]))
    with pytest.raises(ValueError, match="approximate"):
        A.gelu(torch.zeros(2), approximate="erf")
    with pytest.raises(ValueError, match="beta"):
        A.softplus(torch.zeros(2), beta=0)
    with pytest.raises(ValueError, match="negative_slope"):
        A.leaky_relu(torch.zeros(2), negative_slope=math.inf)
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        A.Elementwise("swish")
