import math

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from dlbook import check
from dlbook.ntk import NTKLinear, NTKMLP

pytestmark = pytest.mark.usefixtures("one_thread")


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 4), st.booleans())
def test_standard_layer_is_nn_linear(fan_in, fan_out, n, bias):
    ours = NTKLinear(fan_in, fan_out, bias, parameterization="standard", weight_std=1.3, bias_std=0.2)
    check.same_as_torch(ours, nn.Linear(fan_in, fan_out, bias), torch.randn(n, fan_in))


@settings(max_examples=15, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.floats(0.5, 2.0), st.floats(0.0, 1.0))
def test_ntk_layer_is_a_rescaled_nn_linear(fan_in, fan_out, weight_std, bias_std):
    layer = NTKLinear(fan_in, fan_out, parameterization="ntk", weight_std=weight_std, bias_std=bias_std).double()
    twin = nn.Linear(fan_in, fan_out).double()
    c = weight_std / math.sqrt(fan_in)
    with torch.no_grad():
        twin.weight.copy_(c * layer.weight)
        twin.bias.copy_(bias_std * layer.bias)
    x = torch.randn(3, fan_in, dtype=torch.float64)
    check.close(layer(x), twin(x), atol=1e-12)
    layer(x).sum().backward()
    twin(x).sum().backward()
    # chain rule: ∂f/∂W_ntk = c ∂f/∂W_std, ∂f/∂b_ntk = σ_b ∂f/∂b_std
    check.close(layer.weight.grad, c * twin.weight.grad, atol=1e-12)
    check.close(layer.bias.grad, bias_std * twin.bias.grad, atol=1e-12)


@pytest.mark.parametrize("parameterization", ["ntk", "standard"])
def test_initial_statistics_match_the_parameterisation(parameterization):
    torch.manual_seed(0)
    layer = NTKLinear(400, 300, parameterization=parameterization, weight_std=1.5, bias_std=0.3)
    effective_w = layer.weight_multiplier * layer.weight.detach()
    effective_b = layer.bias_multiplier * layer.bias.detach()
    assert abs(float(effective_w.std()) - 1.5 / 20) < 0.01 * 1.5 / 20 * 5
    assert abs(float(effective_b.std()) - 0.3) < 0.3 * 0.25
    if parameterization == "ntk":
        assert abs(float(layer.weight.detach().std()) - 1.0) < 0.01


def test_mlp_structure_and_its_standard_twin():
    torch.manual_seed(0)
    net = NTKMLP(3, 16, 2, out_features=2, bias_std=0.4).double()
    kinds = [type(m).__name__ for m in net]
    assert kinds == ["NTKLinear", "ReLU", "NTKLinear", "ReLU", "NTKLinear"]
    twin = net.to_standard()
    assert all(m.parameterization == "standard" for m in twin if isinstance(m, NTKLinear))
    x = torch.randn(5, 3, dtype=torch.float64)
    check.close(twin(x), net(x), atol=1e-12)


def test_bad_arguments_name_the_problem():
    with pytest.raises(ValueError, match="parameterization must be one of"):
        NTKLinear(2, 3, parameterization="mup")
    with pytest.raises(ValueError, match="in_features must be at least 1"):
        NTKLinear(0, 3)
    with pytest.raises(ValueError, match="weight_std must be non-negative"):
        NTKLinear(2, 3, weight_std=-1.0)
    with pytest.raises(ValueError, match="width must be at least 1"):
        NTKMLP(2, 0, 1)
    with pytest.raises(TypeError, match="depth must be an int"):
        NTKMLP(2, 4, 1.5)


@pytest.mark.parametrize("depth, bias", [(1, True), (3, False)])
def test_standard_mlp_is_a_torch_sequential(depth, bias):
    ours = NTKMLP(3, 5, depth, out_features=2, parameterization="standard", bias=bias)
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip([3] + [5] * depth, [5] * depth + [2])):
        layers.append(nn.Linear(fan_in, fan_out, bias=bias))
        if i < depth:
            layers.append(nn.ReLU())
    check.same_as_torch(ours, nn.Sequential(*layers), torch.randn(4, 3))
