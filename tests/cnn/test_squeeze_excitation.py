import pytest
import torch

from dlbook import check, cnn


def test_se_block_against_its_formula():
    torch.manual_seed(0)
    se = cnn.SqueezeExcitation(8, reduction=4).double()
    x = torch.randn(3, 8, 5, 5, dtype=torch.float64)
    z = x.mean((2, 3))
    w1, b1 = se.fc1.weight[:, :, 0, 0], se.fc1.bias
    w2, b2 = se.fc2.weight[:, :, 0, 0], se.fc2.bias
    s = torch.sigmoid(torch.relu(z @ w1.T + b1) @ w2.T + b2)
    check.close(se(x), x * s[:, :, None, None])
    check.close(se.gates, s)


@pytest.mark.parametrize("channels, reduction", [(8, 4), (16, 16), (32, 8), (6, 4)])
def test_parameter_count(channels, reduction):
    n = sum(p.numel() for p in cnn.SqueezeExcitation(channels, reduction).parameters())
    assert n == cnn.se_parameters(channels, reduction)


def test_small_cnn_with_and_without_se():
    plain, se = cnn.SmallCNN(input_size=8, widths=(4, 8)), cnn.SmallCNN(input_size=8, widths=(4, 8), se=True)
    x = torch.randn(2, 1, 8, 8)
    assert plain(x).shape == se(x).shape == (2, 10)
    extra = sum(p.numel() for p in se.parameters()) - sum(p.numel() for p in plain.parameters())
    assert extra == cnn.se_parameters(4, 4) + cnn.se_parameters(8, 4)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="reduction"):
        cnn.SqueezeExcitation(4, reduction=8)
    with pytest.raises(ValueError, match="channels"):
        cnn.SqueezeExcitation(0)
    with pytest.raises(ValueError, match="divisible"):
        cnn.SmallCNN(input_size=10, widths=(4, 8))
