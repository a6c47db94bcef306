import pytest
import torch
from torch import nn

from dlbook import cnn


@pytest.mark.parametrize("c_in, c_out, k, size", [(1, 8, 3, 16), (3, 16, 5, 12), (4, 4, 1, 7)])
def test_closed_forms_match_the_flop_counter(c_in, c_out, k, size):
    conv = nn.Conv2d(c_in, c_out, k, padding=k // 2)
    x = torch.randn(2, c_in, size, size)
    assert cnn.measured_cost(conv, x) == cnn.conv_cost(c_in, c_out, k, (size, size))
    dense = nn.Linear(c_in * size * size, c_out * size * size)
    assert cnn.measured_cost(dense, x.flatten(1)) == cnn.dense_cost(c_in * size * size, c_out * size * size)


def test_bad_input_names_the_problem():
    with pytest.raises(TypeError, match="nn.Module"):
        cnn.measured_cost(lambda x: x, torch.zeros(1, 2))
