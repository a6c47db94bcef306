import pytest
import torch
from torch import nn

from dlbook import check, cnn


def model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(3 * 36, 4))


def test_feature_maps_are_the_layer_output():
    net, x = model(), torch.randn(2, 1, 6, 6)
    check.close(cnn.feature_maps(net, net[1], x), net[1](net[0](x)))
    with pytest.raises(ValueError, match="did not run"):
        cnn.feature_maps(net, nn.ReLU(), x)


def test_saliency_is_the_input_gradient_of_the_class_score():
    net, x = model().double(), torch.randn(2, 1, 6, 6, dtype=torch.float64)
    target = torch.tensor([1, 3])
    fd = torch.stack([check.finite_differences(lambda v: net(v[None])[0, t].detach(), xi)[0] for xi, t in zip(x, target)])
    check.close(cnn.saliency(net, x, target), fd.abs().sum(1), atol=1e-6)
    assert cnn.saliency(net, x).shape == (2, 6, 6)
    with pytest.raises(ValueError, match="target"):
        cnn.saliency(net, x, torch.tensor([1]))


def test_activation_maximisation_raises_the_activation():
    net = model()
    image, history = cnn.activation_maximization(net, net[0], 1, (1, 6, 6), steps=30)
    assert image.shape == (1, 6, 6) and 0 <= image.min() and image.max() <= 1
    assert history[-1] > history[0]
    with pytest.raises(ValueError, match="channel"):
        cnn.activation_maximization(net, net[0], 7, (1, 6, 6), steps=1)
