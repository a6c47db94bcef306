import pytest
import torch

from dlbook.sampling._checks import dimension, floating_tensor, real_tensor, same_shape, sample_count, temperature


def test_accepted_values_pass_through():
    x = torch.zeros(2, 3)
    assert floating_tensor(x, "x", 2) is x and real_tensor(torch.zeros(2, dtype=torch.int64), "r") is not None
    assert temperature(2) == 2.0 and temperature(torch.tensor(0.5)) == 0.5
    assert dimension(-1, x) == 1 and sample_count(3) == 3
    same_shape(x, x, "a", "b")


def test_bad_values_name_the_problem():
    with pytest.raises(TypeError, match="x must be a tensor"):
        floating_tensor(1.0, "x")
    with pytest.raises(ValueError, match="at least 2"):
        floating_tensor(torch.zeros(3), "x", 2)
    with pytest.raises(TypeError, match="real"):
        real_tensor(torch.zeros(2, dtype=torch.complex64), "r")
    with pytest.raises(ValueError, match="> 0"):
        temperature(-0.1)
    with pytest.raises(TypeError, match="tau"):
        temperature(True)
    with pytest.raises(ValueError, match="same shape"):
        same_shape(torch.zeros(2), torch.zeros(3), "a", "b")
    with pytest.raises(TypeError, match="dim"):
        dimension(0.0, torch.zeros(2))
    with pytest.raises(ValueError, match="out of range"):
        dimension(1, torch.zeros(2))
    with pytest.raises(TypeError, match="n_samples"):
        sample_count(2.0)
    with pytest.raises(ValueError, match=">= 2"):
        sample_count(1, minimum=2)
