"""Augmentations: exact pixel bookkeeping, reproducibility, Jacobians, errors."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook import regularization as aug

from helpers import generator as gen


pytestmark = pytest.mark.usefixtures("one_thread")


def images(n=6, h=5, w=7, seed=0, channels=None):
    shape = (n, h, w) if channels is None else (n, channels, h, w)
    return torch.rand(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


# ------------------------------------------------------------------ translate and random shifts

def translate_by_loops(x, dx, dy):
    out = torch.zeros_like(x)
    H, W = x.shape[-2:]
    for i in range(H):
        for j in range(W):
            if 0 <= i - dy < H and 0 <= j - dx < W:
                out[..., i, j] = x[..., i - dy, j - dx]
    return out


@settings(max_examples=25, deadline=None)
@given(dx=st.integers(-4, 4), dy=st.integers(-4, 4), channels=st.sampled_from([None, 1, 3]))
def test_translate_moves_pixels_and_fills_zeros(dx, dy, channels):
    x = images(3, 5, 6, channels=channels)
    assert torch.equal(aug.translate(x, dx, dy), translate_by_loops(x, dx, dy))


def test_translate_agrees_with_roll_inside_the_frame():
    x = images()
    out = aug.translate(x, 2, 1)
    rolled = torch.roll(x, shifts=(1, 2), dims=(-2, -1))
    assert torch.equal(out[..., 1:, 2:], rolled[..., 1:, 2:])
    assert (out[..., :1, :] == 0).all() and (out[..., :, :2] == 0).all()


def test_translate_rejects_bad_input():
    with pytest.raises(ValueError, match="out of its frame"):
        aug.translate(images(w=7), 7)
    with pytest.raises(ValueError, match="shape"):
        aug.translate(torch.zeros(5, 5), 1)
    with pytest.raises(TypeError, match="tensor"):
        aug.translate([[[0.0]]], 0)


def test_random_shift_applies_one_in_range_shift_per_image_reproducibly():
    x = images(n=40)
    out = aug.random_shift(x, 2, generator=gen(1))
    assert torch.equal(out, aug.random_shift(x, 2, generator=gen(1)))
    shifts = [(dx, dy) for dx in range(-2, 3) for dy in range(-2, 3)]
    used = set()
    for xi, oi in zip(x, out):
        matches = [s for s in shifts if torch.equal(aug.translate(xi[None], *s)[0], oi)]
        assert matches, "every output is the input shifted by at most max_shift"
        used.add(matches[0])
    assert len(used) > 5                                 # the shifts differ between images
    assert torch.equal(aug.random_shift(x, 0, generator=gen(2)), x)
    with pytest.raises(ValueError, match="max_shift"):
        aug.random_shift(x, -1)


# ------------------------------------------------------------------ flips, noise, affine warps

def test_random_flip_probabilities():
    x = images(n=200)
    assert torch.equal(aug.random_flip(x, 1.0, generator=gen(0)), x.flip(-1))
    assert torch.equal(aug.random_flip(x, 0.0, generator=gen(0)), x)
    out = aug.random_flip(x, 0.5, generator=gen(3))
    flipped = torch.tensor([torch.equal(o, xi.flip(-1)) for o, xi in zip(out, x)])
    kept = torch.tensor([torch.equal(o, xi) for o, xi in zip(out, x)])
    assert (flipped ^ kept).all()                        # each image is either mirrored or untouched
    assert 70 < flipped.sum() < 130
    for bad in (-0.1, 1.1):
        with pytest.raises(ValueError, match=r"\[0, 1\]"):
            aug.random_flip(x, bad)


def test_gaussian_noise_statistics():
    x = torch.zeros(50, 20, 20, dtype=torch.float64)
    noise = aug.gaussian_noise(x, 0.2, generator=gen(0))
    assert abs(noise.mean().item()) < 0.005
    assert noise.std().item() == pytest.approx(0.2, rel=0.02)
    assert torch.equal(aug.gaussian_noise(x, 0.0, generator=gen(0)), x)
    with pytest.raises(ValueError, match="non-negative"):
        aug.gaussian_noise(x, -0.1)


@pytest.mark.parametrize("channels", [None, 2])
def test_random_affine_without_warp_is_the_identity(channels):
    x = images(channels=channels)
    out = aug.random_affine(x, degrees=0, translate=0, scale=0, generator=gen(0))
    assert out.shape == x.shape
    torch.testing.assert_close(out, x, atol=1e-6, rtol=0)


def test_random_affine_warps_reproducibly_and_keeps_mass_roughly():
    digit = torch.zeros(8, 12, 12)
    digit[:, 4:8, 5:7] = 1.0                             # a bar in the middle, away from the border
    a = aug.random_affine(digit, degrees=15, translate=1.0, scale=0.1, generator=gen(4))
    b = aug.random_affine(digit, degrees=15, translate=1.0, scale=0.1, generator=gen(4))
    assert torch.equal(a, b)
    assert not torch.equal(a, digit)
    ratio = a.sum((1, 2)) / digit.sum((1, 2))            # a small rotation/zoom roughly preserves ink
    assert ((ratio > 0.75) & (ratio < 1.3)).all()
    with pytest.raises(ValueError, match="scale"):
        aug.random_affine(digit, scale=1.0)
    with pytest.raises(ValueError, match="degrees"):
        aug.random_affine(digit, degrees=-1)


def test_augmented_copies_layout():
    x, y = images(n=4), torch.arange(4)
    X, Y = aug.augmented_copies(x, y, 2, lambda im: im + 1)
    assert X.shape == (12, 5, 7) and Y.tolist() == [0, 1, 2, 3] * 3
    assert torch.equal(X[:4], x) and torch.equal(X[4:8], x + 1) and torch.equal(X[8:], x + 1)
    assert torch.equal(aug.augmented_copies(x, y, 0, lambda im: im)[0], x)
    with pytest.raises(ValueError, match="length"):
        aug.augmented_copies(x, y[:3], 1, lambda im: im)
    with pytest.raises(ValueError, match="copies"):
        aug.augmented_copies(x, y, -1, lambda im: im)


# ------------------------------------------------------------------ rotations of points

def test_rotate_points_matches_the_rotation_matrix_and_composes():
    points = torch.randn(7, 2, generator=gen(3), dtype=torch.float64)
    angles = torch.rand(7, generator=gen(4), dtype=torch.float64) * 6
    matrices = torch.stack([torch.stack([torch.cos(angles), -torch.sin(angles)], 1),
                            torch.stack([torch.sin(angles), torch.cos(angles)], 1)], 1)     # (7, 2, 2)
    torch.testing.assert_close(aug.rotate_points(points, angles), (matrices @ points[..., None])[..., 0])
    torch.testing.assert_close(aug.rotate_points(aug.rotate_points(points, 0.3), 0.4), aug.rotate_points(points, 0.7))
    torch.testing.assert_close(aug.rotate_points(points, torch.pi / 2), aug.rotation_tangent(points))   # a quarter turn
    torch.testing.assert_close(aug.rotate_points(points, angles).norm(dim=1), points.norm(dim=1))     # radii kept


def test_rotation_tangent_is_the_derivative_of_rotate_points():
    points = torch.randn(9, 2, generator=gen(5), dtype=torch.float64)
    eps = 1e-6
    central = (aug.rotate_points(points, eps) - aug.rotate_points(points, -eps)) / (2 * eps)
    torch.testing.assert_close(aug.rotation_tangent(points), central, atol=1e-9, rtol=1e-7)
    at = torch.zeros((), dtype=torch.float64)
    _, by_jvp = torch.func.jvp(lambda a: aug.rotate_points(points, a), (at,), (torch.ones_like(at),))
    torch.testing.assert_close(aug.rotation_tangent(points), by_jvp)


def test_rotations_reject_bad_shapes():
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        aug.rotate_points(torch.zeros(4, 3), 0.1)
    with pytest.raises(ValueError, match="one angle or one per point"):
        aug.rotate_points(torch.zeros(4, 2), torch.zeros(3))
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        aug.rotation_tangent(torch.zeros(4))
