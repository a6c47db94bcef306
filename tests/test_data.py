import gzip
import math
import struct
import urllib.error

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from dlbook import data

GENERATORS = [data.moons, data.circles, data.spirals, data.blobs]


@pytest.mark.parametrize("make", GENERATORS)
def test_classification_sets_are_seeded_float32(make):
    X, y = make(101, seed=3)
    assert X.shape == (101, 2) and X.dtype == torch.float32
    assert y.shape == (101,) and y.dtype == torch.int64
    X2, y2 = make(101, seed=3)
    assert torch.equal(X, X2) and torch.equal(y, y2)
    X3, _ = make(101, seed=4)
    assert not torch.equal(X, X3)


@pytest.mark.parametrize("make", GENERATORS)
def test_classes_are_balanced(make):
    _, y = make(100, seed=0)
    counts = torch.bincount(y)
    assert counts.max() - counts.min() <= 1


def test_spirals_with_more_classes():
    X, y = data.spirals(90, classes=3, seed=0)
    assert set(y.tolist()) == {0, 1, 2}


def test_noisy_sine_is_sorted_regression_data():
    X, y = data.noisy_sine(50, noise=0.0, seed=1)
    assert X.shape == (50, 1) and y.shape == (50, 1)
    assert torch.all(X[1:] >= X[:-1])
    assert torch.allclose(y, torch.sin(2 * torch.pi * X), atol=1e-6)


def test_inverse_problem_is_the_forward_map_read_backwards():
    X, y = data.inverse_problem(500, noise=0.1, seed=3)
    assert X.shape == y.shape == (500, 1) and X.dtype == y.dtype == torch.float32
    assert (X[1:] >= X[:-1]).all()
    residual = X - (y + 0.3 * torch.sin(2 * math.pi * y))
    assert residual.abs().max() <= 0.1 + 1e-6 and residual.abs().max() > 0.09
    assert ((y >= 0) & (y <= 1)).all()
    X2, y2 = data.inverse_problem(500, noise=0.1, seed=3)
    assert torch.equal(X, X2) and torch.equal(y, y2)
    assert not torch.equal(data.inverse_problem(500, noise=0.1, seed=4)[0], X)


def test_inverse_problem_has_three_branches_in_the_middle():
    X, y = data.inverse_problem(2000, noise=0.0, seed=0)
    middle = y[(X - 0.5).abs() < 0.02]
    assert middle.min() < 0.3 and middle.max() > 0.7 and ((middle - 0.5).abs() < 0.1).any()


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.25, 1.0])
def test_line_with_outliers(fraction):
    X, y, is_outlier = data.line_with_outliers(80, fraction=fraction, seed=2)
    assert X.shape == y.shape == (80, 1) and X.dtype == y.dtype == torch.float32
    assert is_outlier.shape == (80,) and is_outlier.dtype == torch.bool
    assert int(is_outlier.sum()) == round(fraction * 80)
    good = ~is_outlier
    assert ((X >= 0) & (X <= 3)).all()
    assert ((y[good] - (2 * X[good] + 1)).abs() < 5 * 0.3).all()      # on the line, up to noise
    assert (X[is_outlier] >= 2.2).all() and (y[is_outlier] < 2 * X[is_outlier] + 1 - 3).all()   # far below it
    again = data.line_with_outliers(80, fraction=fraction, seed=2)
    assert all(torch.equal(a, b) for a, b in zip((X, y, is_outlier), again))


def test_line_without_noise_is_exact():
    X, y, _ = data.line_with_outliers(30, fraction=0.0, noise=0.0, seed=0)
    assert torch.allclose(y, 2 * X + 1)


@pytest.mark.parametrize("call, message", [
    (lambda: data.inverse_problem(0), "at least"),
    (lambda: data.inverse_problem(10, noise=-0.1), "noise"),
    (lambda: data.line_with_outliers(10, fraction=1.5), r"fraction must lie in \[0, 1\]"),
    (lambda: data.line_with_outliers(10, fraction=-0.1), "fraction"),
    (lambda: data.line_with_outliers(10, noise=-1.0), "non-negative"),
    (lambda: data.moons(0), "at least"),
    (lambda: data.moons(10, noise=-1), "non-negative"),
    (lambda: data.circles(10, factor=1.5), "factor"),
    (lambda: data.spirals(10, classes=1), "classes"),
    (lambda: data.blobs(10, centers=torch.zeros(3, 3)), "shape"),
    (lambda: data.noisy_sine(10, low=1, high=0), "low < high"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_count_must_be_an_int():
    with pytest.raises(TypeError, match="int"):
        data.moons(10.0)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 200), fraction=st.floats(0.05, 0.95))
def test_split_partitions_the_data(n, fraction):
    X = torch.arange(n, dtype=torch.float32).unsqueeze(1)
    y = torch.arange(n)
    n_test = int(round(fraction * n))
    if n_test in (0, n):
        with pytest.raises(ValueError, match="empty"):
            data.split(X, y, fraction)
        return
    (Xa, ya), (Xb, yb) = data.split(X, y, fraction, seed=1)
    assert len(Xb) == n_test
    assert sorted(ya.tolist() + yb.tolist()) == list(range(n))
    assert torch.equal(Xa.squeeze(1).long(), ya)


def test_digits_ships_without_download():
    X, y = data.digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert 0.0 <= X.min() and X.max() <= 1.0
    images, _ = data.digits(flatten=False)
    assert images.shape == (1797, 1, 8, 8)


# ------------------------------------------------------------- MNIST files, written by the test

def _write_idx(path, array: np.ndarray, code: int):
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(array.dtype.newbyteorder(">")).tobytes())


@pytest.fixture
def fake_mnist(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5], dtype=np.uint8)
    for prefix in ("train", "t10k"):
        _write_idx(tmp_path / f"{prefix}-images-idx3-ubyte.gz", images, 0x08)
        _write_idx(tmp_path / f"{prefix}-labels-idx1-ubyte.gz", labels, 0x08)
    checksums = {p.name: data.md5sum(p) for p in tmp_path.iterdir()}
    monkeypatch.setitem(data.MNIST_SOURCES["digits"], "md5", checksums)
    return tmp_path, images, labels


def test_read_idx_round_trips(tmp_path):
    values = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    _write_idx(tmp_path / "a.gz", values, 0x0C)
    assert np.array_equal(data.read_idx(tmp_path / "a.gz"), values)


def test_read_idx_rejects_other_files(tmp_path):
    (tmp_path / "x").write_bytes(b"hello world")
    with pytest.raises(ValueError, match="not an IDX file"):
        data.read_idx(tmp_path / "x")


def test_mnist_loads_cached_files(fake_mnist):
    root, images, labels = fake_mnist
    X, y = data.mnist("digits", "test", root=root, download=False)
    assert X.shape == (5, 1, 28, 28) and X.dtype == torch.float32
    assert torch.allclose(X[:, 0] * 255, torch.from_numpy(images).float())
    assert y.tolist() == labels.tolist()


def test_mnist_refuses_a_corrupt_file(fake_mnist):
    root, _, _ = fake_mnist
    with gzip.open(root / "train-labels-idx1-ubyte.gz", "ab") as f:
        f.write(b"\x00")
    with pytest.raises(ValueError, match="checksum"):
        data.mnist("digits", "train", root=root)


def test_mnist_offline_error_suggests_digits(tmp_path, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(data.download.urllib.request, "urlopen", offline)
    with pytest.raises(ConnectionError, match="offline.*digits\\(\\)"):
        data.mnist("fashion", root=tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing half-written is left behind


def test_mnist_without_download_names_the_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="train-images.*download=True"):
        data.mnist("digits", root=tmp_path, download=False)


def test_mnist_bad_arguments():
    with pytest.raises(ValueError, match="kind"):
        data.mnist("kmnist", download=False)
    with pytest.raises(ValueError, match="split"):
        data.mnist("digits", "validation", download=False)


def test_first_per_class_is_balanced_and_keeps_order():
    y = torch.tensor([2, 0, 1, 0, 2, 1, 0, 2, 1])
    X = torch.arange(9.0).reshape(9, 1)
    X_sub, y_sub = data.first_per_class(X, y, 2)
    assert y_sub.tolist() == [0, 0, 1, 1, 2, 2]
    assert X_sub[:, 0].tolist() == [1.0, 3.0, 2.0, 5.0, 0.0, 4.0]
    with pytest.raises(ValueError, match="fewer than 4"):
        data.first_per_class(X, y, 4)
    with pytest.raises(ValueError, match="positive int"):
        data.first_per_class(X, y, 0)
    with pytest.raises(ValueError, match="length"):
        data.first_per_class(X, y[:-1], 1)
