import pytest
import torch
from torch import nn

from dlbook import cnn, normalization


def test_shortcuts():
    assert isinstance(cnn.BasicBlock(8, 8).shortcut, nn.Identity)
    projection = cnn.BasicBlock(8, 16, stride=2).shortcut
    assert isinstance(projection[0], nn.Conv2d) and projection[0].kernel_size == (1, 1) and projection[0].stride == (2, 2)
    assert cnn.BasicBlock(8, 16, 2)(torch.randn(2, 8, 6, 6)).shape == (2, 16, 3, 3)


def test_residual_block_is_its_branch_plus_the_input():
    torch.manual_seed(0)
    block = cnn.BasicBlock(4, 4).eval()
    plain = cnn.BasicBlock(4, 4, residual=False).eval()
    plain.load_state_dict(block.state_dict())
    x = torch.randn(2, 4, 5, 5)
    branch = block.bn2(block.conv2(torch.relu(block.bn1(block.conv1(x)))))
    torch.testing.assert_close(block(x), torch.relu(branch + x))
    torch.testing.assert_close(plain(x), torch.relu(branch))


def test_depth_and_chapter_7_batch_norm():
    net = cnn.ResNet(6, widths=(4, 8))
    convs = [m for m in net.modules() if isinstance(m, nn.Conv2d) and m.kernel_size == (3, 3)]
    assert len(convs) == 2 * 6 + 1
    torch.manual_seed(0)
    ours = cnn.ResNet(2, widths=(4, 8), norm_layer=normalization.BatchNorm2d).double()
    theirs = cnn.ResNet(2, widths=(4, 8)).double()
    ours.load_state_dict(theirs.state_dict())
    x = torch.randn(4, 1, 8, 8, dtype=torch.float64)
    torch.testing.assert_close(ours(x), theirs(x))


def test_gradient_norms_one_per_conv():
    net = cnn.ResNet(4, widths=(4, 8))
    norms = cnn.gradient_norms(net, torch.randn(8, 1, 8, 8), torch.randint(0, 10, (8,)))
    assert len(norms) == 9 and all(n > 0 for n in norms)
    assert all(p.grad is None for p in net.parameters())


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="blocks"):
        cnn.ResNet(1, widths=(4, 8))
    with pytest.raises(ValueError, match="stride"):
        cnn.BasicBlock(4, 4, stride=0)
    with pytest.raises(ValueError, match="convolutions"):
        cnn.gradient_norms(nn.Linear(2, 2), torch.randn(1, 2), torch.tensor([0]))
