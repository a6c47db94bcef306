"""Weight normalisation from scratch against torch's parametrization, and its derived gradients."""
import copy

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from dlbook import check
from dlbook import normalization as R
from dlbook.normalization import weight_normalization

from helpers import randn, assert_close

from .strategies import layers_and_inputs


pytestmark = pytest.mark.usefixtures("one_thread")


@settings(max_examples=25, deadline=None)
@given(layer_and_shape=layers_and_inputs(), data=st.data())
def test_weight_norm_matches_torch(layer_and_shape, data):
    base, shape = layer_and_shape
    dim = data.draw(st.sampled_from([None, *range(base.weight.ndim)]), label="dim")
    theirs = nn.utils.parametrizations.weight_norm(copy.deepcopy(base), dim=dim)
    mine = R.weight_norm(copy.deepcopy(base), dim=dim)
    assert mine.state_dict().keys() == theirs.state_dict().keys()
    assert_close(mine.weight, base.weight)  # at registration w is unchanged: g = ‖w‖, v = w
    with torch.no_grad():  # move g away from ‖v‖ so the test sees the reparametrisation at work
        theirs.parametrizations.weight.original0.mul_(1.5)
    check.same_as_torch(mine, theirs, randn(*shape))  # copies theirs' g and v into mine


@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=2, max_size=4).map(tuple), seed=st.integers(0, 99), data=st.data())
def test_weight_norm_gradients_are_the_derived_formulas(shape, seed, data):
    dim = data.draw(st.sampled_from([None, *range(len(shape))]))
    v = randn(*shape, seed=seed)
    g = weight_normalization._norm_except(randn(*shape, seed=seed + 1), dim)
    target = randn(*shape, seed=seed + 2)

    def loss(g, v):
        return (R.WeightNorm(dim)(g, v) - target).square().sum() / 2

    def derived(g, v):
        w = R.WeightNorm(dim)(g, v)
        return R.weight_norm_grads(g, v, w - target, dim)  # ∇_w of ½‖w − t‖² is w − t

    check.grad(loss, derived, g, v, name="weight-norm gradients")


def test_weight_norm_is_scale_invariant_in_v():
    wn, g, v = R.WeightNorm(0), randn(4, 1).abs(), randn(4, 3, seed=1)
    assert_close(wn(g, 7.5 * v), wn(g, v))
    norms = wn(g, v).norm(dim=1, keepdim=True)
    assert_close(norms, g)  # ‖w‖ = g, whatever v


def test_data_dependent_init_standardises_the_first_batch():
    for layer, x, dims in [(nn.Linear(5, 4), randn(64, 5) * 3 + 1, (0,)),
                           (nn.Conv2d(3, 4, 3), randn(8, 3, 6, 6) - 2, (0, 2, 3))]:
        layer = R.weight_norm(layer.double())
        R.data_dependent_init_(layer, x)
        with torch.no_grad():
            y = layer(x)
        assert_close(y.mean(dim=dims), torch.zeros(4, dtype=y.dtype))
        assert_close(y.std(dim=dims, correction=0), torch.ones(4, dtype=y.dtype))


def test_weight_norm_errors():
    with pytest.raises(ValueError, match="no tensor parameter 'kernel'"):
        R.weight_norm(nn.Linear(2, 3), name="kernel")
    with pytest.raises(ValueError, match="dim 2 is out of range"):
        R.weight_norm(nn.Linear(2, 3), dim=2)
    with pytest.raises(ValueError, match="torch reads dim=-1 as None"):
        R.weight_norm(nn.Linear(2, 3), dim=-1)
    with pytest.raises(ValueError, match="needs a layer with weight_norm"):
        R.data_dependent_init_(nn.Linear(2, 3), torch.randn(4, 2))
