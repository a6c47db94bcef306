"""The one-line norms (batch, layer, instance, group) against torch.nn.functional, and their one formula."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional as F

from dlbook import normalization as N

from helpers import randn, assert_close


pytestmark = pytest.mark.usefixtures("one_thread")


shapes = st.lists(st.integers(2, 4), min_size=2, max_size=4).map(tuple)


@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=st.integers(0, 1000))
def test_the_one_line_norms_match_torch_functional(shape, seed):
    x = randn(*shape, seed=seed)
    assert_close(N.batch_norm(x), F.batch_norm(x, None, None, training=True))
    assert_close(N.layer_norm(x), F.layer_norm(x, shape[1:]))
    if len(shape) > 2:
        assert_close(N.instance_norm(x), F.instance_norm(x))
    for groups in (1, shape[1]):
        assert_close(N.group_norm(x, groups), F.group_norm(x, groups))


def test_normalize_gives_zero_mean_unit_variance_over_its_axes():
    y = N.normalize(randn(6, 3, 5) * 4 + 2, dims=(0, 2), eps=0.0)
    assert_close(y.mean(dim=(0, 2)), torch.zeros(3, dtype=y.dtype))
    assert_close(y.var(dim=(0, 2), correction=0), torch.ones(3, dtype=y.dtype))


def test_group_norm_function_rejects_indivisible_groups():
    with pytest.raises(ValueError, match=r"num_channels \(6\) must be divisible by num_groups \(4\)"):
        N.group_norm(randn(2, 6, 3), 4)
