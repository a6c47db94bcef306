import pytest
import torch

from dlbook.flows import InvertibleLayer, check_batch, check_dim


def test_check_dim():
    assert check_dim(3) == 3
    with pytest.raises(TypeError, match="dim must be an int"):
        check_dim(2.0)
    with pytest.raises(TypeError, match="hidden must be an int"):
        check_dim(True, "hidden")
    with pytest.raises(ValueError, match="dim must be positive"):
        check_dim(0)


def test_check_batch():
    x = torch.zeros(4, 3)
    assert check_batch(x, 3) is x
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        check_batch([[0.0] * 3], 3)
    with pytest.raises(TypeError, match="floating-point"):
        check_batch(torch.zeros(4, 3, dtype=torch.int64), 3)
    with pytest.raises(ValueError, match=r"shape \(N, 3\), got \(4, 2\)"):
        check_batch(torch.zeros(4, 2), 3)
    with pytest.raises(ValueError, match=r"y must have shape"):
        check_batch(torch.zeros(3), 3, "y")


def test_base_class_needs_subclass_methods():
    layer = InvertibleLayer(2)
    assert "dim=2" in repr(layer)
    with pytest.raises(NotImplementedError):
        layer(torch.zeros(1, 2))
    with pytest.raises(NotImplementedError):
        layer.inverse(torch.zeros(1, 2))
