import math

import pytest
import torch
from hypothesis import given, settings, strategies as st

from dlbook.perceptron_mlp import MLP, interpolation_error_bound, relu_interpolant


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 40), st.floats(-3, 0), st.floats(0.5, 4))
def test_exact_at_the_knots_and_linear_between(m, a, length):
    knots = torch.linspace(a, a + length, m + 1, dtype=torch.float64)
    model = relu_interpolant(torch.sin, knots)
    assert isinstance(model, MLP) and model.sizes == [1, m, 1]
    with torch.no_grad():
        at_knots = model(knots[:, None])[:, 0]
        mid = (knots[1:] + knots[:-1]) / 2
        at_mid = model(mid[:, None])[:, 0]
    torch.testing.assert_close(at_knots, torch.sin(knots), atol=1e-10, rtol=0)
    torch.testing.assert_close(at_mid, (torch.sin(knots[1:]) + torch.sin(knots[:-1])) / 2, atol=1e-10, rtol=0)


@pytest.mark.parametrize("width", [4, 16, 64])
def test_sup_error_within_the_interpolation_bound(width):
    knots = torch.linspace(0, 2 * math.pi, width + 1, dtype=torch.float64)
    grid = torch.linspace(0, 2 * math.pi, 20_001, dtype=torch.float64)
    with torch.no_grad():
        error = (relu_interpolant(torch.sin, knots)(grid[:, None])[:, 0] - torch.sin(grid)).abs().max()
    bound = interpolation_error_bound(width, (0, 2 * math.pi), 1.0)
    assert error <= bound
    assert error >= 0.5 * bound  # sin's curvature is 1 at its peaks: the bound is nearly attained


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="strictly increasing"):
        relu_interpolant(torch.sin, torch.tensor([0.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match="at least 2"):
        relu_interpolant(torch.sin, torch.tensor([0.0]))
    with pytest.raises(ValueError, match="shape"):
        relu_interpolant(lambda t: t.sum(), torch.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match="width"):
        interpolation_error_bound(0, (0, 1), 1.0)
    with pytest.raises(ValueError, match="b > a"):
        interpolation_error_bound(3, (1, 0), 1.0)
