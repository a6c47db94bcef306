import pytest
import torch

from dlbook.data.mixtures import ring_of_gaussians
from dlbook.gan import Coverage, mode_coverage


def test_the_data_itself_covers_every_mode():
    X, centers = ring_of_gaussians(4000, std=0.02, seed=0)
    modes, quality = mode_coverage(X, centers, 0.02)
    assert modes == 8 and quality > 0.99


def test_a_collapsed_generator_covers_one_mode():
    _, centers = ring_of_gaussians(10, std=0.02)
    samples = centers[3] + 0.01 * torch.randn(1000, 2)
    assert mode_coverage(samples, centers, 0.02) == Coverage(1, 1.0)


def test_samples_between_modes_are_low_quality_and_thin_modes_do_not_count():
    centers = torch.tensor([[0.0, 0.0], [10.0, 0.0]])
    samples = torch.cat([torch.zeros(90, 2), torch.tensor([[10.0, 0.0]] * 5), torch.tensor([[5.0, 0.0]] * 5)])
    result = mode_coverage(samples, centers, std=0.1)
    assert result.modes == 1  # 5 samples < 0.2·100/2 = 10
    assert result.high_quality == pytest.approx(0.95)


def test_bad_input_names_the_problem():
    c = torch.zeros(2, 2)
    with pytest.raises(ValueError, match="samples must have shape"):
        mode_coverage(torch.zeros(5), c, 0.1)
    with pytest.raises(ValueError, match="dimensions"):
        mode_coverage(torch.zeros(5, 3), c, 0.1)
    with pytest.raises(ValueError, match="std and threshold must be positive"):
        mode_coverage(torch.zeros(5, 2), c, 0.0)
    with pytest.raises(ValueError, match="min_share"):
        mode_coverage(torch.zeros(5, 2), c, 0.1, min_share=1.5)
    with pytest.raises(TypeError, match="centers must be a tensor"):
        mode_coverage(torch.zeros(5, 2), [[0.0, 0.0]], 0.1)
