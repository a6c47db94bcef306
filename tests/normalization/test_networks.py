"""Networks built with a chosen normalisation, and the probe that reads off which activations share statistics."""
import pytest
import torch
from torch import nn

from dlbook import normalization as N
from dlbook import normalization as normnets

from helpers import randn


pytestmark = pytest.mark.usefixtures("one_thread")


# ------------------------------------------------------------------ deep_mlp and norm_layer

@pytest.mark.parametrize("norm, cls", [("none", nn.Identity), ("batch", N.BatchNorm1d), ("layer", N.LayerNorm),
                                       ("group", N.GroupNorm)])
def test_deep_mlp_stacks_linear_norm_relu_blocks(norm, cls):
    model = normnets.deep_mlp(norm, depth=3, in_features=5, width=8, out_features=4, groups=2)
    kinds = [type(m) for m in model]
    assert kinds == [nn.Linear, cls, nn.ReLU] * 3 + [nn.Linear]
    assert model(randn(6, 5, dtype=torch.float32)).shape == (6, 4)
    if norm == "group":
        assert model[1].num_groups == 2


def test_deep_mlp_is_he_initialised():
    torch.manual_seed(0)
    model = normnets.deep_mlp(depth=2, in_features=400, width=500)
    for linear in (model[0], model[3]):
        assert torch.equal(linear.bias, torch.zeros_like(linear.bias))
        expected = (2 / linear.in_features) ** 0.5  # Var = 2 / fan-in
        assert abs(float(linear.weight.detach().std()) / expected - 1) < 0.02


def test_deep_mlp_errors():
    with pytest.raises(ValueError, match=r"norm must be one of \('none', 'batch', 'layer', 'group'\), got 'instance'"):
        normnets.deep_mlp("instance")
    with pytest.raises(ValueError, match="depth must be a positive int, got 0"):
        normnets.deep_mlp(depth=0)
    with pytest.raises(ValueError, match=r"num_channels \(10\) must be divisible by num_groups \(4\)"):
        normnets.deep_mlp("group", width=10, groups=4)


# ------------------------------------------------------------------ probes

def test_shares_statistics_finds_each_norms_axes():
    shape, (n, c) = (3, 4, 5), (1, 2)
    channel = torch.arange(4).view(1, 4, 1).expand(shape)
    sample = torch.arange(3).view(3, 1, 1).expand(shape)
    expected = {
        N.batch_norm: channel == c,
        N.layer_norm: sample == n,
        N.instance_norm: (sample == n) & (channel == c),
        (lambda x: N.group_norm(x, 2)): (sample == n) & (channel // 2 == c // 2),
    }
    for norm, mask in expected.items():
        assert torch.equal(normnets.shares_statistics(norm, shape, (n, c, 3)), mask)
    with pytest.raises(ValueError, match="must pick one output"):
        normnets.shares_statistics(N.batch_norm, shape, (0, 1))
