import pytest
import torch
from torch import nn

from dlbook import cnn


@pytest.mark.parametrize("layers", [[(3, 1, 1)] * 3, [(3, 2, 1), (3, 2, 1), (3, 1, 1)], [(5, 1, 1), (2, 2, 1), (3, 1, 2)],
                                    [(3, 1, 1), (3, 1, 2), (3, 1, 4)]])
def test_formula_matches_the_gradient(layers):
    modules = []
    for k, s, d in layers:
        conv = nn.Conv2d(1, 1, k, s, dilation=d, bias=False).double()
        nn.init.constant_(conv.weight, 1.0)
        modules.append(conv)
    model = nn.Sequential(*modules)
    assert cnn.layer_geometry(model) == list(layers)
    r = cnn.receptive_field(layers)
    size = 2 * r + 9
    mask = cnn.receptive_field_by_gradient(model, (size, size))
    assert cnn.extent(mask) == (r, r)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="layer 1"):
        cnn.receptive_field([(3, 1, 1), (3, 0, 1)])
    with pytest.raises(ValueError, match="input_size"):
        cnn.receptive_field_by_gradient(nn.Conv2d(1, 1, 3), (5,))
    with pytest.raises(ValueError, match="empty"):
        cnn.extent(torch.zeros(3, 3, dtype=torch.bool))
