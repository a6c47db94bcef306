import pytest
import torch
from hypothesis import given, settings, strategies as st
from scipy.stats import wasserstein_distance

from dlbook import check
from dlbook.gan import optimal_critic_1d, wasserstein_1d, wasserstein_assignment


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 30), m=st.integers(1, 30), seed=st.integers(0, 99), shift=st.floats(-3, 3))
def test_w1_matches_scipy_and_the_critic_attains_it(n, m, seed, shift):
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, generator=gen, dtype=torch.float64)
    y = 2 * torch.randn(m, generator=gen, dtype=torch.float64) + shift
    w1 = wasserstein_1d(x, y)
    check.close(w1, wasserstein_distance(x.numpy(), y.numpy()), atol=1e-10)
    f = optimal_critic_1d(x, y)
    check.close(f(x).mean() - f(y).mean(), w1, atol=1e-10)  # Kantorovich–Rubinstein: the sup is attained
    grid = torch.linspace(float(torch.cat([x, y]).min()) - 1, float(torch.cat([x, y]).max()) + 1, 200,
                          dtype=torch.float64)
    assert (f(grid).diff().abs() <= grid.diff() + 1e-12).all()  # 1-Lipschitz


def test_equal_sizes_sort_and_assignment_agree():
    gen = torch.Generator().manual_seed(0)
    x, y = torch.randn(50, generator=gen), torch.rand(50, generator=gen) * 3
    expected = (x.sort().values - y.sort().values).abs().double().mean()
    check.close(wasserstein_1d(x, y), expected, atol=1e-6)
    check.close(wasserstein_assignment(x[:, None], y[:, None]), expected, atol=1e-6)


def test_parallel_lines_are_theta_apart():
    gen = torch.Generator().manual_seed(0)
    z = torch.rand(100, generator=gen)
    for theta in (0.0, 0.3, -1.5):
        a = torch.stack([torch.zeros(100), z], 1)
        b = torch.stack([torch.full((100,), theta), z], 1)
        check.close(wasserstein_assignment(a, b), abs(theta), atol=1e-6)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="1-D samples"):
        wasserstein_1d(torch.randn(3, 2), torch.randn(3))
    with pytest.raises(ValueError, match="1-D samples"):
        optimal_critic_1d(torch.randn(3), torch.empty(0))
    with pytest.raises(TypeError, match="x must be a tensor"):
        wasserstein_1d([1.0], torch.randn(3))
    with pytest.raises(ValueError, match="same shape"):
        wasserstein_assignment(torch.randn(3, 2), torch.randn(4, 2))
    with pytest.raises(ValueError, match=r"shape \(N, D\)"):
        wasserstein_assignment(torch.randn(3), torch.randn(3))
