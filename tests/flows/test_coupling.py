import pytest
import torch
from hypothesis import given, settings

from dlbook import flows
from flows.strategies import autograd_log_det, batch_and_dim, randomize_
from helpers import assert_close, randn


@settings(max_examples=15, deadline=None)
@given(batch_and_dim)
def test_affine_coupling_log_det_and_inverse(shape):
    n, dim = shape
    for parity in (0, 1):
        layer = randomize_(flows.AffineCoupling(dim, hidden=8, mask=flows.alternating_mask(dim, parity)).double())
        x = randn(n, dim, seed=dim)
        y, log_det = layer(x)
        assert y.shape == (n, dim) and log_det.shape == (n,)
        assert_close(log_det, autograd_log_det(layer, x))
        assert_close(layer.inverse(y), x, atol=1e-12)
        kept = layer.mask.bool()
        assert torch.equal(y[:, kept], x[:, kept])  # y₁ = x₁


@settings(max_examples=15, deadline=None)
@given(batch_and_dim)
def test_additive_coupling_has_unit_determinant(shape):
    n, dim = shape
    layer = randomize_(flows.AdditiveCoupling(dim, hidden=8).double())
    x = randn(n, dim, seed=1)
    y, log_det = layer(x)
    assert torch.equal(log_det, torch.zeros(n, dtype=torch.float64))
    assert_close(autograd_log_det(layer, x), log_det, atol=1e-12)
    assert_close(layer.inverse(y), x, atol=1e-12)


def test_affine_coupling_formula_and_gradients():
    layer = randomize_(flows.AffineCoupling(4, hidden=6).double())
    x = randn(3, 4, seed=2).requires_grad_(True)
    s, t = layer.scale_and_shift(x * layer.mask)
    y, log_det = layer(x)
    assert_close(y, x * layer.mask + (1 - layer.mask) * (x * s.exp() + t))
    assert_close(log_det, s.sum(1))
    assert torch.autograd.gradcheck(lambda v: layer(v)[0], (x,))
    assert torch.autograd.gradcheck(lambda v: layer(v)[1], (x,))


def test_fresh_couplings_are_the_identity():
    x = randn(5, 4, dtype=torch.float32)
    for layer in (flows.AffineCoupling(4), flows.AdditiveCoupling(4)):
        y, log_det = layer(x)
        assert torch.equal(y, x) and torch.equal(log_det, torch.zeros(5))


def test_masks():
    assert flows.alternating_mask(5).tolist() == [1, 0, 1, 0, 1]
    assert flows.alternating_mask(4, 1).tolist() == [0, 1, 0, 1]
    board = flows.checkerboard_mask(2, 3)
    assert board.tolist() == [1, 0, 1, 0, 1, 0]
    assert (flows.checkerboard_mask(8, 8, 0) + flows.checkerboard_mask(8, 8, 1)).eq(1).all()
    with pytest.raises(ValueError, match="parity must be 0 or 1"):
        flows.alternating_mask(4, 2)
    with pytest.raises(ValueError, match="parity"):
        flows.checkerboard_mask(2, 2, -1)
    with pytest.raises(ValueError, match="height must be positive"):
        flows.checkerboard_mask(0, 2)


def test_bad_masks_and_inputs():
    with pytest.raises(ValueError, match=r"mask must have shape \(4,\)"):
        flows.AffineCoupling(4, mask=torch.ones(3))
    with pytest.raises(ValueError, match="only 0s and 1s"):
        flows.AdditiveCoupling(2, mask=torch.tensor([0.5, 1.0]))
    with pytest.raises(ValueError, match="at least one feature"):
        flows.AffineCoupling(2, mask=torch.ones(2))
    with pytest.raises(ValueError, match="hidden must be positive"):
        flows.AffineCoupling(2, hidden=0)
    with pytest.raises(ValueError, match=r"shape \(N, 4\)"):
        flows.AffineCoupling(4)(torch.zeros(2, 3))
    with pytest.raises(ValueError, match="y must have shape"):
        flows.AdditiveCoupling(4).inverse(torch.zeros(4))


def test_conditioner_shape():
    net = flows.conditioner(3, 5, 6, layers=3)
    assert net(torch.zeros(2, 3)).shape == (2, 6)
    assert sum(isinstance(m, torch.nn.Linear) for m in net) == 4
