import math

import pytest
import torch
from hypothesis import given, settings, strategies as st
from scipy import stats

from dlbook import check
from dlbook.sampling import gumbel_cdf, gumbel_log_pdf, gumbel_max_sample, sample_gumbel

EULER_GAMMA = 0.5772156649015329


def test_samples_have_the_gumbel_mean_variance_and_cdf():
    n = 200_000
    g = sample_gumbel((n,), generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    assert g.shape == (n,) and g.dtype == torch.float64 and torch.isfinite(g).all()
    var = math.pi ** 2 / 6
    assert abs(g.mean().item() - EULER_GAMMA) < 5 * math.sqrt(var / n)   # 5 standard errors
    # the variance of the sample variance is (μ4 − σ⁴)/n with μ4 = 27/5 σ⁴ for the Gumbel (excess kurtosis 12/5)
    assert abs(g.var().item() - var) < 5 * math.sqrt((27 / 5 - 1) * var ** 2 / n)
    statistic = stats.kstest(g.numpy(), stats.gumbel_r.cdf).statistic
    assert statistic < stats.kstwo.ppf(1 - 1e-4, n)   # rejects at level 1e-4 only if the law is wrong


def test_the_same_generator_gives_the_same_samples():
    a = sample_gumbel((3, 4), generator=torch.Generator().manual_seed(5))
    b = sample_gumbel((3, 4), generator=torch.Generator().manual_seed(5))
    assert torch.equal(a, b) and a.dtype == torch.get_default_dtype()
    assert sample_gumbel(7).shape == (7,)


def test_samples_are_finite_when_the_uniform_draw_is_zero(monkeypatch):
    monkeypatch.setattr(torch, "rand", lambda shape, **kw: torch.zeros(shape, dtype=kw.get("dtype")))
    assert torch.isfinite(sample_gumbel((4,), dtype=torch.float32)).all()


def test_cdf_and_log_density_match_torch_distributions():
    x = torch.linspace(-4, 8, 101, dtype=torch.float64)
    reference = torch.distributions.Gumbel(torch.tensor(0.0, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64))
    check.close(gumbel_cdf(x), reference.cdf(x), atol=1e-14)
    check.close(gumbel_log_pdf(x), reference.log_prob(x), atol=1e-12)
    # the density is the derivative of the CDF
    xg = x.clone().requires_grad_(True)
    density, = torch.autograd.grad(gumbel_cdf(xg).sum(), xg)
    check.close(density, gumbel_log_pdf(x).exp(), atol=1e-14)


def test_gumbel_max_samples_follow_the_categorical_by_a_chi_square_test():
    probs = torch.tensor([0.05, 0.1, 0.15, 0.3, 0.4], dtype=torch.float64)
    n = 100_000
    logits = probs.log().expand(n, 5)
    k = gumbel_max_sample(logits, generator=torch.Generator().manual_seed(1))
    counts = torch.bincount(k, minlength=5).double()
    p_value = stats.chisquare(counts.numpy(), (n * probs).numpy()).pvalue
    assert p_value > 1e-4


def test_gumbel_max_never_draws_an_impossible_class_and_respects_dim():
    logits = torch.tensor([[0.0, float("-inf"), 1.0]]).expand(1000, 3)
    assert (gumbel_max_sample(logits, generator=torch.Generator().manual_seed(0)) != 1).all()
    k = gumbel_max_sample(logits.T.contiguous(), dim=0, generator=torch.Generator().manual_seed(0))
    assert k.shape == (1000,) and (k != 1).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.data())
def test_gumbel_max_drops_the_class_dimension(shape, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    k = gumbel_max_sample(torch.randn(shape), dim)
    expected = list(shape)
    del expected[dim]
    assert list(k.shape) == expected and k.dtype == torch.int64 and ((k >= 0) & (k < shape[dim])).all()


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="shape"):
        sample_gumbel((2, -1))
    with pytest.raises(ValueError, match="shape"):
        sample_gumbel("3")
    with pytest.raises(TypeError, match="dtype"):
        sample_gumbel((2,), dtype=torch.int64)
    with pytest.raises(TypeError, match="floating"):
        gumbel_cdf(torch.zeros(3, dtype=torch.int64))
    with pytest.raises(TypeError, match="tensor"):
        gumbel_log_pdf([0.0])
    with pytest.raises(ValueError, match="at least 1 dimension"):
        gumbel_max_sample(torch.tensor(0.0))
    with pytest.raises(ValueError, match="out of range"):
        gumbel_max_sample(torch.zeros(2, 3), dim=2)
    with pytest.raises(ValueError, match="NaN"):
        gumbel_max_sample(torch.tensor([0.0, float("nan")]))
    with pytest.raises(ValueError, match="-inf"):
        gumbel_max_sample(torch.full((2,), float("-inf")))
