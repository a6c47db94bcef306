import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.backprop import Tensor, unbroadcast


def both(*arrays):
    """The same arrays as Tensors and as float64 torch leaves."""
    return [Tensor(a) for a in arrays], [
        torch.tensor(a, requires_grad=True) for a in arrays
    ]


def assert_grads_match(ours, theirs, tol=1e-10):
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.grad, t.grad.numpy(), rtol=tol, atol=tol)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(0, 10_000))
def test_broadcasting_gradients_match_torch(n, c, seed):
    rng = np.random.default_rng(seed)
    a, row, col, s = (
        rng.normal(size=(n, c)),
        rng.normal(size=(c,)),
        rng.normal(size=(n, 1)),
        rng.normal(size=()),
    )
    (A, R, C, S), (ta, tr, tc, ts) = both(a, row, col, s)
    out = ((A * R + C) * S - R / (C * C + 1)).tanh().sum(axis=0) * R
    out = (
        out.mean()
        + (A - 0.3).relu().mean(axis=1, keepdims=True).sum()
        + (2 - A).exp().sum(axis=(0, 1)) / 7
    )
    ref = ((ta * tr + tc) * ts - tr / (tc * tc + 1)).tanh().sum(dim=0) * tr
    ref = (
        ref.mean()
        + (ta - 0.3).relu().mean(dim=1, keepdim=True).sum()
        + (2 - ta).exp().sum(dim=(0, 1)) / 7
    )
    out.backward()
    ref.backward()
    assert float(out.data) == pytest.approx(ref.item(), rel=1e-12)
    assert_grads_match((A, R, C, S), (ta, tr, tc, ts))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.integers(0, 10_000))
def test_matmul_shapes_softmax_and_indexing_match_torch(m, k, n, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(m, k)), rng.normal(size=(k, n))
    rows = rng.integers(0, m, size=5)  # repeated rows: their gradients must add up
    (A, B), (ta, tb) = both(a, b)
    P = A @ B
    out = (
        P.log_softmax(axis=1)[rows].sum()
        + (P.T.softmax(axis=0) * P.T).sum()
        + (A.reshape(k, m).transpose() ** 2)[rows, 0].sum()
        + (P * P + 1).log().mean()
        + P.exp()[:, -1].sum()
    )
    tp = ta @ tb
    ref = (
        tp.log_softmax(dim=1)[rows].sum()
        + (tp.T.softmax(dim=0) * tp.T).sum()
        + (ta.reshape(k, m).T ** 2)[rows, 0].sum()
        + (tp * tp + 1).log().mean()
        + tp.exp()[:, -1].sum()
    )
    out.backward()
    ref.backward()
    assert float(out.data) == pytest.approx(ref.item(), rel=1e-12)
    assert_grads_match((A, B), (ta, tb))


def test_a_node_used_several_times_and_a_seeded_backward():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    (X,), (tx,) = both(x)
    Y = X * X + X @ X  # X reaches Y by three paths
    seed = np.array([[1.0, 2.0], [3.0, -1.0]])
    Y.backward(seed)
    (tx * tx + tx @ tx).backward(torch.tensor(seed))
    assert_grads_match([X], [tx])


def test_unbroadcast_sums_the_stretched_axes():
    g = np.arange(24.0).reshape(2, 3, 4)
    assert np.array_equal(unbroadcast(g, (4,)), g.sum(axis=(0, 1)))
    assert np.array_equal(unbroadcast(g, (3, 1)), g.sum(axis=(0, 2))[:, None])
    assert np.array_equal(unbroadcast(g, (2, 3, 4)), g)
    with pytest.raises(ValueError, match="larger shape"):
        unbroadcast(np.ones(3), (2, 3))


def test_bad_input_raises_clear_errors():
    with pytest.raises(ValueError, match=r"matmul shape mismatch: \(2, 3\) @ \(4, 5\)"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((4, 5)))
    with pytest.raises(ValueError, match="two 2-D tensors"):
        Tensor(np.ones(3)) @ Tensor(np.ones((3, 2)))
    with pytest.raises(
        ValueError, match=r"non-scalar Tensor of shape \(2, 3\) needs a seed gradient"
    ):
        (Tensor(np.ones((2, 3))) * 2).backward()
    with pytest.raises(ValueError, match="seed gradient has shape"):
        Tensor(np.ones(3)).backward(np.ones(2))
    with pytest.raises(TypeError, match="cannot combine a Tensor with str"):
        Tensor(1.0) + "x"
    with pytest.raises(ValueError, match="log needs positive entries"):
        Tensor([1.0, -1.0]).log()
