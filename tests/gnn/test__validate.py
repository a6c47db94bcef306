import pytest
import torch

from dlbook.gnn import _validate


def test_good_input_passes():
    _validate.check_graph(torch.randn(3, 2), torch.tensor([[0, 1], [1, 2]]))
    _validate.check_square(torch.eye(3))
    _validate.check_positive_int(3, "k")


def test_bad_input_names_the_problem():
    with pytest.raises(TypeError, match="x must be a tensor"):
        _validate.check_features([[1.0]])
    with pytest.raises(ValueError, match="2-D"):
        _validate.check_features(torch.randn(3))
    with pytest.raises(TypeError, match="floating"):
        _validate.check_features(torch.ones(3, 2, dtype=torch.long))
    with pytest.raises(TypeError, match="int64"):
        _validate.check_edge_index(torch.zeros(2, 3), 4)
    with pytest.raises(ValueError, match=r"shape \(2, E\)"):
        _validate.check_edge_index(torch.zeros(3, 3, dtype=torch.long), 4)
    with pytest.raises(ValueError, match="outside"):
        _validate.check_edge_index(torch.tensor([[0], [4]]), 4)
    with pytest.raises(TypeError, match="edge_index must be a tensor"):
        _validate.check_edge_index([[0], [1]], 4)
    with pytest.raises(ValueError, match="square"):
        _validate.check_square(torch.randn(2, 3))
    with pytest.raises(TypeError, match="A must be a tensor"):
        _validate.check_square(None)
    with pytest.raises(TypeError, match="floating"):
        _validate.check_square(torch.eye(2, dtype=torch.long))
    with pytest.raises(TypeError, match="k must be an int"):
        _validate.check_positive_int(2.0, "k")
    with pytest.raises(ValueError, match="at least 1"):
        _validate.check_positive_int(0, "k")
