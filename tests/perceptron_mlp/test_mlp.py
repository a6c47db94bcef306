import itertools
import math

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn
from torch.nn import functional as F

from dlbook.perceptron_mlp import ACTIVATION_MODULES, MLP, flip_sign, permute_units, scale_unit, unit_by_unit


def outputs(model, X):
    with torch.no_grad():
        return model(X)


def params(model):
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()])


def test_shapes_layers_and_activation():
    model = MLP(3, [5, 4], 2, activation="tanh")
    assert model(torch.randn(7, 3)).shape == (7, 2)
    assert [(m.in_features, m.out_features) for m in model.linears()] == [(3, 5), (5, 4), (4, 2)]
    assert sum(isinstance(m, nn.Tanh) for m in model) == 2  # none after the output layer
    assert model.sizes == [3, 5, 4, 2]


def test_step_network_computes_xor_with_hand_set_weights():
    net = MLP(2, [2], 1, activation="step")
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[1.0, 1.0], [1.0, 1.0]]))
        net[0].bias.copy_(torch.tensor([-0.5, -1.5]))  # OR unit, AND unit
        net[2].weight.copy_(torch.tensor([[1.0, -1.0]]))
        net[2].bias.copy_(torch.tensor([-0.5]))  # OR and not AND
    X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    assert (outputs(net, X).reshape(-1) > 0).long().tolist() == [0, 1, 1, 0]


@settings(max_examples=25, deadline=None)
@given(sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4), activation=st.sampled_from(sorted(ACTIVATION_MODULES)),
       seed=st.integers(0, 2**16))
def test_unit_by_unit_sums_equal_the_matrix_forward_pass(sizes, activation, seed):
    torch.manual_seed(seed)
    model = MLP(sizes[0], sizes[1:-1], sizes[-1], activation=activation)
    x = torch.randn(sizes[0])
    torch.testing.assert_close(unit_by_unit(model, x), outputs(model, x).double(), atol=1e-5, rtol=1e-5)


@settings(max_examples=25, deadline=None)
@given(width=st.integers(2, 6), layer=st.integers(0, 1), data=st.data())
def test_flipping_a_tanh_unit_keeps_the_function(width, layer, data):
    torch.manual_seed(width)
    model = MLP(3, [width, width], 2, activation="tanh")
    unit = data.draw(st.integers(0, width - 1))
    twin = flip_sign(model, layer, unit)
    X = torch.randn(20, 3)
    torch.testing.assert_close(outputs(twin, X), outputs(model, X), atol=1e-6, rtol=1e-5)
    assert not torch.equal(params(twin), params(model))
    torch.testing.assert_close(params(flip_sign(twin, layer, unit)), params(model))  # an involution


def test_flipping_a_relu_unit_changes_the_function_but_scaling_does_not():
    torch.manual_seed(0)
    model = MLP(2, [4], 1, activation="relu")
    X = torch.randn(50, 2)
    assert (outputs(flip_sign(model, 0, 1), X) - outputs(model, X)).abs().max() > 1e-3
    torch.testing.assert_close(outputs(scale_unit(model, 0, 1, 3.0), X), outputs(model, X), atol=1e-6, rtol=1e-5)
    tanh_model = MLP(2, [4], 1, activation="tanh")
    assert (outputs(scale_unit(tanh_model, 0, 1, 3.0), X) - outputs(tanh_model, X)).abs().max() > 1e-3


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "gelu"])
def test_permuting_hidden_units_keeps_the_function(activation):
    torch.manual_seed(1)
    model = MLP(3, [5, 4], 2, activation=activation)
    twin = permute_units(model, 0, [4, 2, 0, 1, 3])
    X = torch.randn(30, 3)
    torch.testing.assert_close(outputs(twin, X), outputs(model, X), atol=1e-6, rtol=1e-5)
    torch.testing.assert_close(twin[0].weight[0], model[0].weight[4])
    torch.testing.assert_close(twin[2].weight[:, 0], model[2].weight[:, 4])


def test_the_symmetry_group_of_a_tanh_layer_has_two_to_the_m_times_m_factorial_members():
    torch.manual_seed(2)
    M = 3
    model = MLP(2, [M], 1, activation="tanh")
    X = torch.randn(25, 2)
    seen = set()
    for perm in itertools.permutations(range(M)):
        for flips in itertools.product([False, True], repeat=M):
            twin = permute_units(model, 0, perm)
            for unit in [u for u, f in enumerate(flips) if f]:
                twin = flip_sign(twin, 0, unit)
            torch.testing.assert_close(outputs(twin, X), outputs(model, X), atol=1e-6, rtol=1e-5)
            seen.add(tuple(torch.round(params(twin), decimals=6).tolist()))
    assert len(seen) == 2**M * math.factorial(M)






def test_bad_input_is_rejected_clearly():
    with pytest.raises(ValueError, match="unknown activation"):
        MLP(2, [3], 1, activation="swish")
    with pytest.raises(ValueError, match="positive ints"):
        MLP(2, [0], 1)
    model = MLP(2, [3], 1, activation="tanh")
    with pytest.raises(TypeError, match="dlbook.perceptron_mlp.MLP"):
        unit_by_unit(nn.Linear(2, 1), torch.zeros(2))
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        unit_by_unit(model, torch.zeros(1, 2))
    with pytest.raises(ValueError, match="hidden layer"):
        flip_sign(model, 1, 0)
    with pytest.raises(ValueError, match=r"unit must lie in \[0, 3\)"):
        flip_sign(model, 0, 3)
    with pytest.raises(ValueError, match="permutation of range"):
        permute_units(model, 0, [0, 0, 1])
    with pytest.raises(ValueError, match="factor must be positive"):
        scale_unit(model, 0, 0, -1.0)
