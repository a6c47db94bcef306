import pytest
import torch

from dlbook.data.densities import checkerboard, rings


def test_rings_radii_and_shares():
    X = rings(30000, rings=3, noise=0.0, seed=0)
    assert X.shape == (30000, 2) and X.dtype == torch.float32
    r = X.norm(dim=1)
    radii = torch.tensor([2 / 3, 4 / 3, 2.0])
    nearest = (r[:, None] - radii).abs().argmin(1)
    assert torch.allclose(r, radii[nearest], atol=1e-5)
    shares = torch.bincount(nearest, minlength=3).float() / len(X)
    assert torch.allclose(shares, torch.tensor([1 / 6, 2 / 6, 3 / 6]), atol=0.01)  # ∝ circumference
    assert torch.equal(rings(10, seed=3), rings(10, seed=3)) and not torch.equal(rings(10, seed=3), rings(10, seed=4))


def test_checkerboard_only_dark_squares_and_uniform():
    X = checkerboard(40000, squares=4, seed=0)
    assert X.shape == (40000, 2) and X.dtype == torch.float32
    assert X.min() >= -2 and X.max() < 2
    cells = torch.floor(X + 2).long()
    assert ((cells[:, 0] + cells[:, 1]) % 2 == 0).all()
    counts = torch.bincount(cells[:, 0] * 4 + cells[:, 1], minlength=16).float()
    dark = counts[counts > 0]
    assert len(dark) == 8 and (dark / len(X) - 1 / 8).abs().max() < 0.01


def test_bad_arguments():
    with pytest.raises(ValueError, match="n must be at least 1"):
        rings(0)
    with pytest.raises(TypeError, match="rings must be an int"):
        rings(10, rings=2.5)
    with pytest.raises(ValueError, match="noise must be a non-negative"):
        rings(10, noise=-1.0)
    with pytest.raises(ValueError, match="squares must be even"):
        checkerboard(10, squares=3)
    with pytest.raises(ValueError, match="squares must be at least 2"):
        checkerboard(10, squares=0)
