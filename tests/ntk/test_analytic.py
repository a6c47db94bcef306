import math

import pytest
import torch
from hypothesis import given, settings, strategies as st
from scipy import integrate

from dlbook import check
from dlbook.ntk import NTKMLP, empirical_ntk, relu_expectations, relu_ntk

pytestmark = pytest.mark.usefixtures("one_thread")


def by_quadrature(var1, cov, var2):
    """Both expectations by conditioning on u: v | u ~ N(m, s²) with m = (cov/var1) u, s² = var2 − cov²/var1,
    so E[relu(v) | u] = m Φ(m/s) + s φ(m/s) and P(v > 0 | u) = Φ(m/s); the rest is a 1-D integral over u > 0."""
    s = math.sqrt(var2 - cov * cov / var1)
    density = lambda u: math.exp(-u * u / (2 * var1)) / math.sqrt(2 * math.pi * var1)  # noqa: E731
    cdf = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))  # noqa: E731
    pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    mean = lambda u: cov / var1 * u  # noqa: E731
    both = integrate.quad(lambda u: density(u) * u * (mean(u) * cdf(mean(u) / s) + s * pdf(mean(u) / s)),
                          0, math.inf, epsabs=1e-12)[0]
    gates = integrate.quad(lambda u: density(u) * cdf(mean(u) / s), 0, math.inf, epsabs=1e-12)[0]
    return both, gates


@pytest.mark.parametrize("var1, cov, var2", [(1.0, 0.3, 2.0), (0.5, -0.4, 0.9), (2.0, 1.9, 2.0), (1.0, 0.0, 1.0)])
def test_arc_cosine_expectations_match_quadrature(var1, cov, var2):
    both, gates = relu_expectations(*(torch.tensor(v, dtype=torch.float64) for v in (var1, cov, var2)))
    expected_both, expected_gates = by_quadrature(var1, cov, var2)
    assert abs(float(both) - expected_both) < 1e-9
    assert abs(float(gates) - expected_gates) < 1e-9


def test_arc_cosine_expectations_match_monte_carlo():
    gen = torch.Generator().manual_seed(0)
    var1, cov, var2 = 1.5, -0.6, 0.8
    chol = torch.linalg.cholesky(torch.tensor([[var1, cov], [cov, var2]], dtype=torch.float64))
    u, v = (chol @ torch.randn(2, 400_000, generator=gen, dtype=torch.float64))
    both, gates = relu_expectations(*(torch.tensor(a, dtype=torch.float64) for a in (var1, cov, var2)))
    samples = [torch.relu(u) * torch.relu(v), ((u > 0) & (v > 0)).double()]
    for value, sample in zip((both, gates), samples):
        # five standard errors of the sample mean
        assert abs(float(value) - float(sample.mean())) < 5 * float(sample.std()) / math.sqrt(sample.numel())


def test_depth_one_closed_form():
    """One hidden layer, no biases: Θ = (σ_w²/D)·x·x′·σ_w²(π − φ)/(2π) + σ_w²·(σ_w²/D)|x||x′|(sin φ + (π − φ)cos φ)/(2π)."""
    gen = torch.Generator().manual_seed(1)
    x1, x2 = torch.randn(5, 3, generator=gen, dtype=torch.float64), torch.randn(4, 3, generator=gen, dtype=torch.float64)
    sw2, d = 1.7, 3
    norms = x1.norm(dim=1)[:, None] * x2.norm(dim=1)[None, :]
    phi = torch.arccos((x1 @ x2.T / norms).clamp(-1, 1))
    closed = (sw2 / d) * (x1 @ x2.T) * sw2 * (math.pi - phi) / (2 * math.pi) \
        + sw2 * (sw2 / d) * norms * (torch.sin(phi) + (math.pi - phi) * torch.cos(phi)) / (2 * math.pi)
    check.close(relu_ntk(x1, x2, depth=1, weight_std=math.sqrt(sw2)), closed, atol=1e-12)


@pytest.mark.parametrize("depth, width, bias_std", [(1, 20000, 0.0), (2, 1500, 0.3)])
def test_wide_network_converges_to_the_analytic_kernel(depth, width, bias_std):
    x = torch.randn(6, 3, generator=torch.Generator().manual_seed(2))
    analytic = relu_ntk(x, depth=depth, bias_std=bias_std)
    errors = []
    for seed in range(2):
        torch.manual_seed(seed)
        net = NTKMLP(3, width, depth, bias_std=bias_std)
        errors.append(float((empirical_ntk(net, x).double() - analytic).norm() / analytic.norm()))
        assert errors[-1] < 0.1, errors
    narrow = NTKMLP(3, 16, depth, bias_std=bias_std)
    assert float((empirical_ntk(narrow, x).double() - analytic).norm() / analytic.norm()) > min(errors)


def test_nngp_is_the_covariance_of_initial_outputs():
    x = torch.randn(3, 2, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    _, nngp = relu_ntk(x, depth=2, bias_std=0.5, return_nngp=True)
    torch.manual_seed(0)
    outputs = torch.stack([NTKMLP(2, 256, 2, bias_std=0.5).double()(x)[:, 0].detach() for _ in range(600)])
    sample = outputs.T @ outputs / len(outputs)
    assert ((sample - nngp).abs() < 0.15 * nngp.diagonal().max()).all(), (sample, nngp)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 4), st.integers(1, 4), st.floats(0.0, 1.0))
def test_symmetric_positive_semidefinite_and_shaped(n1, d, depth, seed, bias_std):
    gen = torch.Generator().manual_seed(seed)
    x1 = torch.randn(n1, d, generator=gen, dtype=torch.float64)
    x2 = torch.randn(n1 + 1, d, generator=gen, dtype=torch.float64)
    assert relu_ntk(x1, x2, depth=depth, bias_std=bias_std).shape == (n1, n1 + 1)
    k = relu_ntk(x1, depth=depth, bias_std=bias_std)
    # arccos has infinite slope at ρ = ±1 (parallel inputs, always the case for D = 1): a rounding error of
    # 1e-16 in ρ becomes ~1e-8 in φ, hence the tolerance
    scale = float(k.abs().max())
    check.close(k, k.T, atol=1e-7 * scale)
    assert torch.linalg.eigvalsh(k).min() > -1e-7 * scale
    check.close(relu_ntk(x1, x2[:2], depth=depth, bias_std=bias_std),
                relu_ntk(torch.cat([x1, x2[:2]]), depth=depth, bias_std=bias_std)[:n1, n1:], atol=1e-10)


def test_bad_input_names_the_problem():
    x = torch.zeros(3, 2)
    with pytest.raises(ValueError, match="depth must be at least 1"):
        relu_ntk(x, depth=0)
    with pytest.raises(ValueError, match=r"x1 must have shape \(N, D\)"):
        relu_ntk(torch.zeros(3, 2, 2))
    with pytest.raises(ValueError, match=r"x2 has examples of shape \(3,\)"):
        relu_ntk(x, torch.zeros(2, 3))
    with pytest.raises(ValueError, match="bias_std must be non-negative"):
        relu_ntk(x, bias_std=-0.1)
    with pytest.raises(ValueError, match="variances"):
        relu_expectations(torch.tensor(-1.0), torch.tensor(0.0), torch.tensor(1.0))
    with pytest.raises(TypeError, match="cov must be a tensor"):
        relu_expectations(torch.tensor(1.0), 0.0, torch.tensor(1.0))
