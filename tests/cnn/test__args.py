import pytest
import torch

from dlbook.cnn._args import check_input, pair


def test_pair():
    assert pair(3, "k") == (3, 3) and pair((2, 5), "k") == (2, 5) and pair(0, "p", minimum=0) == (0, 0)
    for bad in (0, (1, 2, 3), "3", True, (1.5, 2)):
        with pytest.raises(ValueError, match="k"):
            pair(bad, "k")


def test_check_input():
    check_input(torch.zeros(1, 1, 2, 2))
    with pytest.raises(ValueError, match="4-D"):
        check_input(torch.zeros(2, 2))
    with pytest.raises(TypeError, match="floating"):
        check_input(torch.zeros(1, 1, 2, 2, dtype=torch.int64))
    with pytest.raises(TypeError, match="tensor"):
        check_input(3)
