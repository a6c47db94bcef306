"""dlbook.initialization against torch.nn.init: gains, fans, sample variances, orthogonality and bad input."""
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from dlbook.initialization import initializers as init

from helpers import generator

NAMES = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]


@pytest.mark.parametrize("name", NAMES)
def test_gain_matches_torch(name):
    assert init.calculate_gain(name) == pytest.approx(nn.init.calculate_gain(name), rel=1e-12)


@pytest.mark.parametrize("slope", [0.0, 0.2, math.sqrt(5.0), 3])
def test_leaky_relu_gain_matches_torch(slope):
    assert init.calculate_gain("leaky_relu", slope) == pytest.approx(nn.init.calculate_gain("leaky_relu", slope))


def test_identity_gain_is_one():
    assert init.calculate_gain("identity") == 1.0


@given(fan_out=st.integers(1, 40), fan_in=st.integers(1, 40))
@settings(max_examples=25, deadline=None)
def test_fans_match_torch(fan_out, fan_in):
    w = torch.empty(fan_out, fan_in)
    assert init.fan_in_and_fan_out(w) == nn.init._calculate_fan_in_and_fan_out(w)


# ------------------------------------------------------------------ the same draws as torch

def _pair(shape, seed):
    return torch.empty(shape), torch.empty(shape), generator(seed), generator(seed)


@given(fan_out=st.integers(1, 30), fan_in=st.integers(1, 30), gain=st.floats(0.1, 3.0), seed=st.integers(0, 1000))
@settings(max_examples=25, deadline=None)
def test_xavier_draws_equal_torch_with_the_same_generator(fan_out, fan_in, gain, seed):
    for ours, theirs in [(init.xavier_uniform_, nn.init.xavier_uniform_), (init.xavier_normal_, nn.init.xavier_normal_)]:
        a, b, ga, gb = _pair((fan_out, fan_in), seed)
        ours(a, gain=gain, generator=ga)
        theirs(b, gain=gain, generator=gb)
        torch.testing.assert_close(a, b, rtol=1e-6, atol=0)


@given(fan_out=st.integers(1, 30), fan_in=st.integers(1, 30), seed=st.integers(0, 1000),
       mode=st.sampled_from(["fan_in", "fan_out"]), nonlinearity=st.sampled_from(["relu", "leaky_relu", "tanh", "linear"]),
       a=st.floats(0.0, 3.0))
@settings(max_examples=25, deadline=None)
def test_kaiming_draws_equal_torch_with_the_same_generator(fan_out, fan_in, seed, mode, nonlinearity, a):
    for ours, theirs in [(init.kaiming_uniform_, nn.init.kaiming_uniform_), (init.kaiming_normal_, nn.init.kaiming_normal_)]:
        x, y, gx, gy = _pair((fan_out, fan_in), seed)
        ours(x, a=a, mode=mode, nonlinearity=nonlinearity, generator=gx)
        theirs(y, a=a, mode=mode, nonlinearity=nonlinearity, generator=gy)
        torch.testing.assert_close(x, y, rtol=1e-6, atol=0)


# ------------------------------------------------------------------ sample variances

SHAPE = (300, 200)  # 60 000 draws: 5 standard errors of s² are 2.9 % (normal) and 1.8 % (uniform)
KURTOSIS = {"normal": 3.0, "uniform": 9.0 / 5.0}


def _relative_gap(w: torch.Tensor, variance: float) -> float:
    return abs(float(w.double().var()) / variance - 1.0)


CASES = [
    # (ours, torch's or None, kwargs, distribution, Var(w) derived in chapter 5 for SHAPE = (fan_out, fan_in))
    (init.xavier_uniform_, nn.init.xavier_uniform_, {}, "uniform", 2.0 / (200 + 300)),
    (init.xavier_normal_, nn.init.xavier_normal_, {}, "normal", 2.0 / (200 + 300)),
    (init.xavier_normal_, nn.init.xavier_normal_, {"gain": 5 / 3}, "normal", (5 / 3) ** 2 * 2.0 / 500),
    # Xavier's forward (LeCun) and backward rules; torch.nn.init has no mode argument for Xavier
    (init.xavier_normal_, None, {"mode": "fan_in"}, "normal", 1.0 / 200),
    (init.xavier_uniform_, None, {"mode": "fan_in"}, "uniform", 1.0 / 200),
    (init.xavier_normal_, None, {"mode": "fan_out"}, "normal", 1.0 / 300),
    (init.xavier_uniform_, None, {"mode": "fan_out", "gain": 2.0}, "uniform", 4.0 / 300),
    (init.kaiming_uniform_, nn.init.kaiming_uniform_, {"nonlinearity": "relu"}, "uniform", 2.0 / 200),
    (init.kaiming_normal_, nn.init.kaiming_normal_, {"nonlinearity": "relu"}, "normal", 2.0 / 200),
    (init.kaiming_normal_, nn.init.kaiming_normal_, {"nonlinearity": "relu", "mode": "fan_out"}, "normal", 2.0 / 300),
    (init.kaiming_uniform_, nn.init.kaiming_uniform_, {"a": math.sqrt(5)}, "uniform", 1.0 / (3 * 200)),
]


@pytest.mark.parametrize("ours, theirs, kwargs, distribution, variance", CASES)
def test_sample_variance_matches_the_formula_and_torch(ours, theirs, kwargs, distribution, variance):
    n = SHAPE[0] * SHAPE[1]
    tol = init.sample_variance_rtol(n, KURTOSIS[distribution])
    mine = ours(torch.empty(SHAPE), generator=generator(1), **kwargs)
    assert _relative_gap(mine, variance) < tol
    if theirs is not None:
        reference = theirs(torch.empty(SHAPE), generator=generator(2), **kwargs)
        assert _relative_gap(reference, variance) < tol
    assert abs(float(mine.mean())) < 5 * math.sqrt(variance / n)


@pytest.mark.parametrize("ours", [init.xavier_uniform_, init.kaiming_uniform_])
def test_uniform_draws_stay_inside_the_bound(ours):
    w = ours(torch.empty(SHAPE), generator=generator(0))
    variance = float(w.var())
    bound = math.sqrt(3 * variance) * (1 + init.sample_variance_rtol(w.numel(), 9 / 5))
    assert float(w.abs().max()) <= bound
    # a uniform sample reaches close to its bound: the largest of 60 000 draws
    assert float(w.abs().max()) > 0.99 * math.sqrt(3 * variance)


def test_xavier_modes():
    w = torch.empty(40, 10)
    assert init.scaled_std(w, 1.0, "fan_in") == pytest.approx(1 / math.sqrt(10))
    assert init.scaled_std(w, 1.0, "fan_out") == pytest.approx(1 / math.sqrt(40))
    assert init.scaled_std(w, 2.0, "fan_avg") == pytest.approx(2 * math.sqrt(2 / 50))


def test_default_linear_layer_variance_is_one_third_of_lecun():
    layer = nn.Linear(200, 300)
    tol = init.sample_variance_rtol(layer.weight.numel(), 9 / 5)
    assert _relative_gap(layer.weight.detach(), 1 / (3 * 200)) < tol


# ------------------------------------------------------------------ orthogonal

@given(rows=st.integers(1, 24), cols=st.integers(1, 24), gain=st.floats(0.0, 3.0), seed=st.integers(0, 1000))
@settings(max_examples=25, deadline=None)
def test_orthogonal_rows_or_columns_are_orthonormal_like_torch(rows, cols, gain, seed):
    w = init.orthogonal_(torch.empty(rows, cols, dtype=torch.float64), gain=gain,
                         generator=generator(seed))
    gram = w @ w.T if rows <= cols else w.T @ w
    torch.testing.assert_close(gram, gain**2 * torch.eye(min(rows, cols), dtype=torch.float64), atol=1e-10, rtol=0)
    reference = nn.init.orthogonal_(torch.empty(rows, cols, dtype=torch.float64), gain=gain,
                                    generator=generator(seed))
    torch.testing.assert_close(w, reference, atol=1e-10, rtol=0)


def test_orthogonal_sign_correction_makes_entries_symmetric():
    g = generator(0)
    n, draws = 6, 2000
    corrected = torch.stack([init.random_orthogonal(n, n, generator=g)[0, 0] for _ in range(draws)])
    raw = torch.stack([init.random_orthogonal(n, n, generator=g, sign_correction=False)[0, 0] for _ in range(draws)])
    # Haar: Q[0,0] is a coordinate of a uniform unit vector: mean 0, variance 1/n, kurtosis 3n/(n+2)
    assert abs(float(corrected.mean())) < 5 * math.sqrt(1 / (n * draws))
    assert _relative_gap(corrected, 1 / n) < init.sample_variance_rtol(draws, kurtosis=3.0 * n / (n + 2))
    # LAPACK's Householder QR makes R's diagonal negative, so Q[0,0] keeps one sign
    assert bool((raw < 0).all()) or bool((raw > 0).all())


def test_init_linear_applies_to_every_layer():
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    init.init_linear_(model, lambda w: init.orthogonal_(w, gain=2.0), bias=0.5)
    for layer in (model[0], model[2]):
        assert torch.allclose(torch.linalg.svdvals(layer.weight.detach()), torch.tensor(2.0))
        assert torch.all(layer.bias == 0.5)


# ------------------------------------------------------------------ activation samples

def _small_mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 2)).double()








# ------------------------------------------------------------------ bad input

@pytest.mark.parametrize("shape", [(5,), (2, 3, 4), ()])
def test_fans_need_a_2d_weight(shape):
    with pytest.raises(ValueError, match="2-D weight"):
        init.fan_in_and_fan_out(torch.empty(shape))
    with pytest.raises(ValueError, match="2-D weight"):
        init.xavier_uniform_(torch.empty(shape))


def test_fans_of_an_empty_weight():
    with pytest.raises(ValueError, match="empty weight"):
        init.fan_in_and_fan_out(torch.empty(0, 3))


def test_unknown_nonlinearity():
    with pytest.raises(ValueError, match="unknown nonlinearity 'swish'"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="unknown nonlinearity"):
        init.kaiming_normal_(torch.empty(3, 3), nonlinearity="softmax")
    with pytest.raises(ValueError, match="negative slope must be a number"):
        init.calculate_gain("leaky_relu", "0.1")


@pytest.mark.parametrize("fn", [init.xavier_uniform_, init.xavier_normal_, init.orthogonal_])
def test_negative_gain(fn):
    with pytest.raises(ValueError, match="gain must be non-negative"):
        fn(torch.empty(3, 4), gain=-1.0)


def test_bad_modes_and_arguments():
    with pytest.raises(ValueError, match="mode must be one of"):
        init.xavier_normal_(torch.empty(3, 4), mode="fan_sum")
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out'"):
        init.kaiming_normal_(torch.empty(3, 4), mode="fan_avg")
    with pytest.raises(ValueError, match="gain must be a finite number"):
        init.xavier_normal_(torch.empty(3, 4), gain=float("nan"))
    with pytest.raises(ValueError, match="rows and cols must be positive"):
        init.random_orthogonal(0, 3)
    with pytest.raises(ValueError, match="no nn.Linear"):
        init.init_linear_(nn.Tanh(), init.xavier_normal_)
    with pytest.raises(TypeError, match="init must be a function"):
        init.init_linear_(nn.Linear(2, 2), "xavier")
    with pytest.raises(ValueError, match="n_samples"):
        init.sample_variance_rtol(1)
