import math

import pytest
import torch

from dlbook.data.mixtures import grid_of_gaussians, ring_of_gaussians


def test_ring_centers_lie_on_the_circle_and_samples_near_them():
    X, centers = ring_of_gaussians(4000, modes=8, radius=2.0, std=0.02, seed=1)
    assert X.shape == (4000, 2) and centers.shape == (8, 2) and X.dtype == torch.float32
    torch.testing.assert_close(centers.norm(dim=1), torch.full((8,), 2.0))
    torch.testing.assert_close(centers[1], torch.tensor([math.sqrt(2), math.sqrt(2)]))
    nearest = torch.cdist(X, centers).min(dim=1)
    assert nearest.values.max() < 0.02 * 6
    counts = torch.bincount(nearest.indices, minlength=8)
    assert counts.min() > 400  # uniform over modes: 500 expected each


def test_grid_has_side_squared_modes_centred_at_zero():
    X, centers = grid_of_gaussians(2500, side=5, spacing=2.0, std=0.05, seed=0)
    assert centers.shape == (25, 2)
    torch.testing.assert_close(centers.mean(0), torch.zeros(2))
    assert float(centers.min()) == -4.0 and float(centers.max()) == 4.0
    assert torch.cdist(X, centers).min(dim=1).values.max() < 0.05 * 6
    std = (X - centers[torch.cdist(X, centers).argmin(1)]).std()
    assert abs(float(std) - 0.05) < 0.005


def test_same_seed_same_samples():
    assert torch.equal(ring_of_gaussians(10, seed=3)[0], ring_of_gaussians(10, seed=3)[0])
    assert not torch.equal(ring_of_gaussians(10, seed=3)[0], ring_of_gaussians(10, seed=4)[0])


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="n must be at least 1"):
        ring_of_gaussians(0)
    with pytest.raises(TypeError, match="modes must be an int"):
        ring_of_gaussians(10, modes=2.5)
    with pytest.raises(ValueError, match="radius"):
        ring_of_gaussians(10, radius=-1.0)
    with pytest.raises(ValueError, match="noise"):
        grid_of_gaussians(10, std=-0.1)
    with pytest.raises(ValueError, match="spacing"):
        grid_of_gaussians(10, spacing=0.0)
    with pytest.raises(ValueError, match="side must be at least 1"):
        grid_of_gaussians(10, side=0)
