import math

import pytest
import torch
from hypothesis import given, settings, strategies as st

from dlbook.perceptron_mlp import (MLP, activation_patterns, count_regions, max_regions_one_layer,
                                   one_layer_regions_in_box, pieces_along_segment)


def set_first_layer(model, weight, bias):
    with torch.no_grad():
        model.linears()[0].weight.copy_(torch.tensor(weight))
        model.linears()[0].bias.copy_(torch.tensor(bias))
    return model


def grid(low, high, points):
    axis = torch.linspace(low, high, points)
    return torch.cartesian_prod(axis, axis)


def test_patterns_match_the_hidden_units_signs():
    torch.manual_seed(0)
    model = MLP(3, [5, 4], 2, activation="relu")
    x = torch.randn(10, 3)
    z1 = model[0](x)
    z2 = model[2](torch.relu(z1))
    assert torch.equal(activation_patterns(model, x), torch.cat([z1 > 0, z2 > 0], dim=1))


def test_two_axis_lines_make_four_quadrants_and_three_lines_seven_regions():
    quadrants = set_first_layer(MLP(2, [2], 1), [[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
    assert count_regions(quadrants, grid(-1, 1, 101)) == 4 == max_regions_one_layer(2, 2)
    assert one_layer_regions_in_box(quadrants, -1, 1) == 4
    triangle = set_first_layer(MLP(2, [3], 1), [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [0.0, 0.0, -0.5])
    assert count_regions(triangle, grid(-1, 1, 201)) == 7 == max_regions_one_layer(3, 2)
    assert one_layer_regions_in_box(triangle, -1, 1) == 7
    assert one_layer_regions_in_box(triangle, 0.3, 0.4) == 1  # no line crosses this small box


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 8), st.integers(0, 10_000))
def test_random_layer_in_a_large_box_attains_the_zaslavsky_bound(n, seed):
    torch.manual_seed(seed)
    model = MLP(2, [n], 1, activation="relu")
    assert one_layer_regions_in_box(model, -1e5, 1e5) == max_regions_one_layer(n, 2) == 1 + n + n * (n - 1) // 2
    assert count_regions(model, grid(-2, 2, 60)) <= one_layer_regions_in_box(model, -2, 2)


def test_segment_pieces_of_a_one_unit_network():
    model = set_first_layer(MLP(1, [1], 1), [[1.0]], [-0.25])
    assert pieces_along_segment(model, torch.tensor([-1.0]), torch.tensor([1.0]), 1001) == 2
    assert pieces_along_segment(model, torch.tensor([0.5]), torch.tensor([1.0]), 1001) == 1


def test_max_regions_formula():
    assert [max_regions_one_layer(n, 1) for n in range(5)] == [1, 2, 3, 4, 5]
    assert max_regions_one_layer(10, 3) == sum(math.comb(10, i) for i in range(4))


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="relu"):
        activation_patterns(MLP(2, [3], 1, activation="tanh"), torch.zeros(1, 2))
    with pytest.raises(ValueError, match="shape"):
        activation_patterns(MLP(2, [3], 1), torch.zeros(4, 3))
    with pytest.raises(ValueError, match="points"):
        pieces_along_segment(MLP(1, [2], 1), torch.zeros(1), torch.ones(1), points=1)
    with pytest.raises(ValueError, match="units"):
        max_regions_one_layer(-1, 2)
    with pytest.raises(ValueError, match="MLP"):
        one_layer_regions_in_box(MLP(2, [3, 3], 1), -1, 1)
    with pytest.raises(ValueError, match="high > low"):
        one_layer_regions_in_box(MLP(2, [3], 1), 1, -1)
    with pytest.raises(ValueError, match="parallel"):
        one_layer_regions_in_box(set_first_layer(MLP(2, [2], 1), [[1.0, 1.0], [2.0, 2.0]], [0.0, 1.0]), -1, 1)
