import pytest
import torch

from dlbook import gan
from dlbook.normalization import ConditionalBatchNorm


def test_toy_networks_shapes_and_spectral_norm():
    G, D = gan.toy_generator(2, 16, 2), gan.toy_discriminator(2, 16, 2, spectral=True)
    x = G(torch.randn(7, 2))
    assert x.shape == (7, 2) and D(x).shape == (7, 1)
    D.eval()
    for layer in D.linears():
        assert abs(float(torch.linalg.matrix_norm(layer.weight.detach(), ord=2)) - 1) < 0.05
    grouped = gan.toy_generator(2, 16, 2, members=3)
    assert grouped(torch.randn(9, 2)).shape == (9, 2)


def test_dc_generator_and_discriminator_shapes_and_conditioning():
    G, D = gan.DCGenerator(8, 4), gan.DCDiscriminator(4, spectral=True)
    images = G(torch.randn(5, 8))
    assert images.shape == (5, 1, 28, 28) and images.abs().max() <= 1 and D(images).shape == (5, 1)
    cG, cD = gan.DCGenerator(8, 4, num_classes=10), gan.DCDiscriminator(4, num_classes=10)
    assert isinstance(cG.norm0, ConditionalBatchNorm)
    labels = torch.tensor([0, 1, 2, 3, 4])
    z = torch.randn(5, 8)
    cG.eval()
    a, b = cG(z, labels), cG(z, labels.flip(0))
    assert torch.equal(a, cG(z, labels))
    with torch.no_grad():
        cG.norm1.gamma.weight[1].mul_(3)
    assert not torch.allclose(cG(z, labels)[1], a[1])  # class 1's scale acts on class-1 samples
    torch.testing.assert_close(cG(z, labels)[0], a[0])  # and on nothing else
    assert cD(a, labels).shape == (5, 1) and not torch.allclose(cD(a, labels), cD(a, labels.flip(0)))


def test_bad_input_names_the_problem():
    G, cG, D = gan.DCGenerator(8, 4), gan.DCGenerator(8, 4, num_classes=3), gan.DCDiscriminator(4)
    with pytest.raises(ValueError, match=r"z must have shape \(N, 8\)"):
        G(torch.randn(2, 5))
    with pytest.raises(ValueError, match="unconditional"):
        G(torch.randn(2, 8), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="pass labels"):
        cG(torch.randn(2, 8))
    with pytest.raises(ValueError, match="one label per sample"):
        cG(torch.randn(2, 8), torch.tensor([0]))
    with pytest.raises(TypeError, match="integer tensor"):
        cG(torch.randn(2, 8), torch.tensor([0.0, 1.0]))
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        D(torch.randn(2, 1, 8, 8))
    with pytest.raises(ValueError, match="hidden must be a positive int"):
        gan.toy_generator(hidden=0)
    with pytest.raises(ValueError, match="members must be a positive int"):
        gan.toy_discriminator(members=0)
