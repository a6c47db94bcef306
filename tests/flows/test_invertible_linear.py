import pytest
import torch
from hypothesis import given, settings

from dlbook import flows
from flows.strategies import batch_and_dim
from helpers import assert_close, randn


@settings(max_examples=15, deadline=None)
@given(batch_and_dim)
def test_lu_linear_against_torch(shape):
    n, dim = shape
    layer = flows.InvertibleLinear(dim, seed=dim).double()
    with torch.no_grad():  # move off the rotation it starts at, keep it well conditioned
        layer.log_s.add_(0.3 * randn(dim, seed=5))
        layer.upper.add_(0.2 * randn(dim, dim, seed=6))
        layer.lower.add_(0.2 * randn(dim, dim, seed=7))
    W = layer.weight()
    x = randn(n, dim, seed=8)
    y, log_det = layer(x)
    assert_close(y, torch.nn.functional.linear(x, W))
    assert_close(log_det, torch.linalg.slogdet(W)[1].expand(n))
    assert_close(layer.inverse(y), x, atol=1e-9)
    assert_close(layer.inverse(y), torch.linalg.solve(W, y.T).T, atol=1e-9)


def test_lu_linear_starts_orthogonal_and_trains_through_all_factors():
    layer = flows.InvertibleLinear(5)
    W = layer.weight()
    torch.testing.assert_close(W @ W.T, torch.eye(5), atol=1e-5, rtol=0)
    y, log_det = layer(torch.randn(3, 5))
    (y.sum() + log_det.sum()).backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in layer.parameters())
    assert not layer.lower.grad.triu().any(), "only the strict lower triangle of L is used"


def test_permutation():
    layer = flows.Permutation(4, torch.tensor([2, 0, 3, 1]))
    x = torch.arange(8.0).view(2, 4)
    y, log_det = layer(x)
    assert y[0].tolist() == [2.0, 0.0, 3.0, 1.0] and torch.equal(log_det, torch.zeros(2))
    assert torch.equal(layer.inverse(y), x)
    assert flows.Permutation(3)(torch.tensor([[1.0, 2.0, 3.0]]))[0].tolist() == [[3.0, 2.0, 1.0]]
    with pytest.raises(ValueError, match="permutation of 0"):
        flows.Permutation(3, torch.tensor([0, 0, 1]))
    with pytest.raises(ValueError, match="permutation of 0"):
        flows.Permutation(3, torch.tensor([0, 1]))


def test_bad_input():
    with pytest.raises(ValueError, match=r"shape \(N, 3\)"):
        flows.InvertibleLinear(3)(torch.zeros(2, 4))
    with pytest.raises(TypeError, match="dim must be an int"):
        flows.InvertibleLinear("3")
