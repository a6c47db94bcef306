import pytest
import torch

from dlbook import gnn


def test_time_is_positive():
    x = torch.randn(10, 3, requires_grad=True)
    assert gnn.time_forward_backward(lambda t: t.exp(), x, repeats=2) > 0
    with pytest.raises(ValueError, match="repeats"):
        gnn.time_forward_backward(lambda t: t, x, repeats=0)


def test_bad_input_names_the_problem():
    with pytest.raises(TypeError, match="callable"):
        gnn.time_forward_backward("layer", torch.ones(1))
