import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook import flows
from helpers import assert_close, randn


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 5), st.integers(1, 6), st.sampled_from([0.5, 0.8, 0.95]))
def test_fixed_point_inverse_converges_at_the_lipschitz_rate(n, dim, coeff):
    torch.manual_seed(dim)
    block = flows.InvertibleResidualBlock(dim, hidden=16, coeff=coeff).double()
    for _ in range(30):  # let the power iteration settle
        block(randn(2, dim, seed=0))
    block.eval()
    L = block.lipschitz_bound()
    assert L < 1
    x = randn(n, dim, seed=n)
    y = block(x)
    iterates = block.inverse_iterates(y, 40)
    errors = (iterates - x).norm(dim=2)  # (41, n): ‖x_k − x‖ for every row
    for k in range(1, 41):
        assert (errors[k] <= L ** k * errors[0] + 1e-12).all()
    assert_close(block.inverse(y, 200), x, atol=1e-10)


def test_residual_is_a_contraction():
    torch.manual_seed(0)
    block = flows.InvertibleResidualBlock(3, coeff=0.7).double().eval()
    a, b = randn(100, 3, seed=1), randn(100, 3, seed=2)
    ratio = (block.residual(a) - block.residual(b)).norm(dim=1) / (a - b).norm(dim=1)
    assert ratio.max() <= block.lipschitz_bound() + 1e-12


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"coeff must lie in \(0, 1\)"):
        flows.InvertibleResidualBlock(2, coeff=1.0)
    with pytest.raises(ValueError, match="hidden must be positive"):
        flows.InvertibleResidualBlock(2, hidden=0)
    block = flows.InvertibleResidualBlock(2)
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        block(torch.zeros(3, 3))
    with pytest.raises(ValueError, match="iterations must be a non-negative int"):
        block.inverse(torch.zeros(3, 2), iterations=-1)
