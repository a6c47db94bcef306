"""Power iteration, spectral normalisation against torch's parametrization, and Lipschitz bounds."""
import copy
import math

import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch import nn

from dlbook import check
from dlbook import normalization as R

from helpers import randn, assert_close

from .strategies import layers_and_inputs


pytestmark = pytest.mark.usefixtures("one_thread")


# ------------------------------------------------------------------ power iteration and spectral normalisation

def nudge(modules, seed, size=0.1):
    """Add the same random step to the same-named parameters of each module (a stand-in for a training step)."""
    with torch.no_grad():
        for i, (name, p) in enumerate(modules[0].named_parameters()):
            step = size * randn(*p.shape, seed=seed + i)
            for module in modules:
                dict(module.named_parameters())[name].add_(step)


@settings(max_examples=25, deadline=None)
@given(rows=st.integers(1, 8), cols=st.integers(1, 8), seed=st.integers(0, 999))
def test_power_iteration_converges_to_the_largest_singular_value(rows, cols, seed):
    W = randn(rows, cols, seed=seed)
    s = torch.linalg.svdvals(W)
    gap = float(s[1] / s[0]) if len(s) > 1 else 0.0
    assume(gap < 0.98)  # the error shrinks like gap^(2k): iterate until gap^(2k) < 1e-20
    iterations = 10 + int(math.log(1e-20) / (2 * math.log(gap))) if gap > 0 else 10
    sigma, u, v = R.power_iteration(W, randn(cols, seed=seed + 1), n_iterations=iterations)
    assert_close(sigma, torch.linalg.matrix_norm(W, 2), atol=1e-8, rtol=1e-8)
    assert_close(W @ v, sigma * u, atol=1e-6, rtol=1e-6)  # v and u are the top singular pair


def test_power_iteration_on_a_batch_equals_each_matrix_alone():
    W, v = randn(4, 3, 5, seed=1), randn(4, 5, seed=2)
    sigma, u, v_out = R.power_iteration(W, v, n_iterations=3)
    assert sigma.shape == (4,) and u.shape == (4, 3) and v_out.shape == (4, 5)
    for m in range(4):
        for batched, alone in zip((sigma[m], u[m], v_out[m]), R.power_iteration(W[m], v[m], n_iterations=3)):
            assert_close(batched, alone, atol=1e-12, rtol=1e-12)
    with pytest.raises(ValueError, match="need a matrix W and a vector v"):
        R.power_iteration(W, randn(3, 5, seed=3))  # one start vector per matrix


@pytest.mark.parametrize("gap", [0.05, 0.5, 0.9, 1.0])
def test_matrix_with_gap_has_the_promised_singular_values(gap):
    W = R.matrix_with_gap(gap, rows=6, cols=9, seed=3)
    assert W.shape == (6, 9) and W.dtype == torch.float64
    rest = torch.linspace(1.5 * gap, 0.1, 4, dtype=torch.float64)
    expected = torch.cat([torch.tensor([2.0, 2.0 * gap], dtype=torch.float64), rest])
    assert_close(torch.linalg.svdvals(W), expected.sort(descending=True).values)
    assert torch.equal(W, R.matrix_with_gap(gap, rows=6, cols=9, seed=3))  # reproducible from the seed


def test_matrix_with_gap_errors():
    with pytest.raises(ValueError, match=r"gap = σ₂/σ₁ must lie in \[0.05, 1\]"):
        R.matrix_with_gap(1.2)
    with pytest.raises(ValueError, match="need 3 <= rows <= cols"):
        R.matrix_with_gap(0.5, rows=8, cols=5)


@settings(max_examples=25, deadline=None)
@given(layer_and_shape=layers_and_inputs(), iterations=st.integers(1, 3))
def test_spectral_norm_matches_torch_step_for_step(layer_and_shape, iterations):
    layer, shape = layer_and_shape
    theirs = nn.utils.parametrizations.spectral_norm(copy.deepcopy(layer), n_power_iterations=iterations)
    mine = R.spectral_norm(copy.deepcopy(layer), n_power_iterations=iterations)
    for step in range(3):  # training: `iterations` updates of u, v per forward (compared as buffers), then a step
        # the first call gives mine theirs' u and v: from then on the two must agree step for step
        check.same_as_torch(mine, theirs, randn(*shape, seed=step), modes=("train",), copy_state=step == 0)
        nudge((mine, theirs), seed=10 * step)
    check.same_as_torch(mine, theirs, randn(*shape, seed=9), modes=("eval",), copy_state=False)  # u, v frozen


@settings(max_examples=25, deadline=None)
@given(layer_and_shape=layers_and_inputs())
def test_spectral_norm_matches_torch_in_the_limit(layer_and_shape):
    layer, _ = layer_and_shape
    out_axis = 1 if isinstance(layer, nn.ConvTranspose2d) else 0
    matrix = layer.weight.detach().movedim(out_axis, 0).flatten(1)  # how both read a kernel: (out, rest)
    s = torch.linalg.svdvals(matrix)
    gap = float(s[1] / s[0]) if len(s) > 1 else 0.0
    assume(gap < 0.95)  # the error shrinks like gap^(2k): iterate until gap^(2k) < 1e-20
    iterations = 10 + (int(math.log(1e-20) / (2 * math.log(gap))) if gap > 0 else 0)
    mine = R.spectral_norm(copy.deepcopy(layer))  # independent random starts for u and v
    theirs = nn.utils.parametrizations.spectral_norm(copy.deepcopy(layer))
    for _ in range(iterations):
        mine.weight, theirs.weight  # every training-mode access is one more power-iteration step
    exact = layer.weight / s[0]
    assert_close(mine.weight, exact, atol=1e-8, rtol=1e-8)
    assert_close(theirs.weight, exact, atol=1e-8, rtol=1e-8)
    assert_close(torch.linalg.svdvals(mine.weight.detach().movedim(out_axis, 0).flatten(1))[0],
                 torch.tensor(1.0, dtype=torch.float64))


def test_spectral_norm_eval_mode_freezes_u_and_v():
    mine = R.spectral_norm(nn.Linear(4, 3)).eval()
    before = mine.parametrizations.weight[0]._u.clone()
    mine(torch.randn(2, 4))
    assert torch.equal(mine.parametrizations.weight[0]._u, before)


def test_spectral_norm_errors():
    with pytest.raises(ValueError, match="at least 2 axes"):
        R.spectral_norm(nn.Linear(3, 2), name="bias")
    with pytest.raises(ValueError, match="n_power_iterations must be a positive int"):
        R.spectral_norm(nn.Linear(3, 2), n_power_iterations=0)
    with pytest.raises(ValueError, match="need a matrix W and a vector v"):
        R.power_iteration(torch.randn(3, 2), torch.randn(3))
    with pytest.raises(ValueError, match="at least 3 axes"):
        R.SpectralNorm(torch.randn(3, 2), batch_dims=1)  # a batch of matrices needs a batch axis
    with pytest.raises(ValueError, match="batch_dims must be a non-negative int"):
        R.SpectralNorm(torch.randn(2, 3, 2), batch_dims=-1)


def test_a_batch_of_weights_is_each_weight_normalised_alone():
    """``batch_dims=1``: one σ per weight, and the same outputs and buffers as one SpectralNorm per weight."""
    torch.manual_seed(5)
    weight = randn(3, 4, 2, 2, seed=6)  # three conv kernels (out 4, rest 2·2)
    batched = R.SpectralNorm(weight, batch_dims=1, n_power_iterations=2).double()
    singles = []
    for m in range(3):
        single = R.SpectralNorm(weight[m], n_power_iterations=2).double()
        single._u.copy_(batched._u[m]), single._v.copy_(batched._v[m])
        singles.append(single)
    nudged = weight + 0.1 * randn(3, 4, 2, 2, seed=7)
    for mode in (True, False):
        batched.train(mode), [s.train(mode) for s in singles]
        assert_close(batched(nudged), torch.stack([s(w) for s, w in zip(singles, nudged)]))
        for m, single in enumerate(singles):
            assert_close(batched._u[m], single._u), assert_close(batched._v[m], single._v)


# ------------------------------------------------------------------ Lipschitz bounds

def test_lipschitz_bounds_of_one_linear_layer_are_its_spectral_norm():
    layer = nn.Linear(6, 4).double()
    sigma = float(torch.linalg.matrix_norm(layer.weight.detach(), 2))
    lower, upper = R.lipschitz_bounds(nn.Sequential(layer), randn(3, 6))
    assert lower == pytest.approx(sigma, rel=1e-10) and upper == pytest.approx(sigma, rel=1e-10)


def test_lipschitz_bounds_bracket_the_measured_stretch():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 3)).double()
    x = randn(200, 5)
    bounds = R.lipschitz_bounds(model, x)
    with torch.no_grad():
        ratios = (model(x + 1e-6 * randn(200, 5, seed=1)) - model(x)).norm(dim=1) / (1e-6 * randn(200, 5, seed=1).norm(dim=1))
    assert float(ratios.max()) <= bounds.lower * (1 + 1e-4)  # a finite difference never beats the Jacobian's norm
    assert bounds.lower < bounds.upper
    expected_upper = math.prod(float(torch.linalg.matrix_norm(m.weight.detach(), 2)) for m in model[::2])
    assert bounds.upper == pytest.approx(expected_upper, rel=1e-12)


def test_spectral_normalised_network_has_upper_bound_one_and_keeps_its_state():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3)).double()
    for layer in model[::2]:
        R.spectral_norm(layer, n_power_iterations=500)
    model(randn(2, 5))  # one training-mode pass: converged u and v
    u = model[0].parametrizations.weight[0]._u.clone()
    bounds = R.lipschitz_bounds(model, randn(10, 5))
    assert bounds.upper == pytest.approx(1.0, rel=1e-8) and bounds.lower <= 1.0
    assert model.training and torch.equal(model[0].parametrizations.weight[0]._u, u)  # no power iteration ran


def test_lipschitz_bounds_errors():
    with pytest.raises(TypeError, match="must be an nn.Sequential"):
        R.lipschitz_bounds(nn.Linear(3, 2), randn(4, 3))
    with pytest.raises(ValueError, match="1-Lipschitz activations, got BatchNorm1d"):
        R.lipschitz_bounds(nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2)), randn(4, 3))
    with pytest.raises(ValueError, match="1-Lipschitz activations, got LeakyReLU"):
        R.lipschitz_bounds(nn.Sequential(nn.Linear(3, 2), nn.LeakyReLU(2.0)), randn(4, 3))
    with pytest.raises(ValueError, match=r"batch of vectors \(N, in_features\)"):
        R.lipschitz_bounds(nn.Sequential(nn.Linear(3, 2).double()), randn(3))
