"""Dropout, Gaussian dropout and MC dropout against torch.nn.Dropout and against their moments."""
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from dlbook.regularization import dropout as D

from helpers import randn


pytestmark = pytest.mark.usefixtures("one_thread")


shapes = st.lists(st.integers(1, 6), min_size=1, max_size=4)


@settings(max_examples=25, deadline=None)
@given(shape=shapes, p=st.floats(0.0, 0.95), seed=st.integers(0, 1000))
def test_inverted_dropout_train_and_eval(shape, p, seed):
    x = randn(*shape, seed=seed).requires_grad_(True)
    layer = D.Dropout(p, generator=torch.Generator().manual_seed(seed))
    out = layer(x)
    kept = out != 0
    torch.testing.assert_close(out[kept], x[kept] / (1 - p))        # kept values are divided by 1 − p
    out.sum().backward()                                            # gradient: mask / (1 − p)
    torch.testing.assert_close(x.grad, kept.double() / (1 - p))
    layer.eval()
    assert torch.equal(layer(x), x)                                 # eval: identity, like torch
    assert torch.equal(nn.Dropout(p).eval()(x), x)


def test_dropout_matches_torch_in_distribution():
    """Masks are random, so compare statistics: drop rate, the value of kept units, E[output] = x."""
    p, x = 0.3, randn(200, 50, seed=1).abs() + 0.5
    ours = D.Dropout(p, generator=torch.Generator().manual_seed(0))(x)
    torch.manual_seed(0)
    theirs = nn.Dropout(p)(x)
    n = x.numel()
    for out in (ours, theirs):
        rate = (out == 0).double().mean().item()
        assert abs(rate - p) < 4 * math.sqrt(p * (1 - p) / n)
        kept = out != 0
        torch.testing.assert_close(out[kept], x[kept] / (1 - p))
    # E[output] = x: average many masks of one input
    layer = D.Dropout(p, generator=torch.Generator().manual_seed(2))
    x1 = randn(20, seed=3)
    mean = torch.stack([layer(x1) for _ in range(20000)]).mean(0)
    sem = x1.abs() * math.sqrt(p / (1 - p) / 20000)                # std of the multiplier / √T
    assert ((mean - x1).abs() <= 5 * sem + 1e-12).all()


def test_the_two_compensation_schemes_agree_in_expectation():
    p, x = 0.4, randn(30, seed=4)
    inverted, plain = D.Dropout(p), D.Dropout(p, inverted=False)
    plain.eval()
    torch.testing.assert_close(plain(x), (1 - p) * x)               # scale at test
    plain.train()
    g = torch.Generator().manual_seed(5)
    inverted.generator, plain.generator = g, torch.Generator().manual_seed(5)
    a, b = inverted(x), plain(x)                                    # same mask (same seed)
    torch.testing.assert_close(a * (1 - p), b)                      # the networks differ by one constant factor


def test_dropout_p_zero_is_identity_and_generator_reproduces():
    x = randn(4, 5)
    assert torch.equal(D.Dropout(0.0)(x), x)
    a = D.Dropout(0.5, generator=torch.Generator().manual_seed(7))(x)
    b = D.Dropout(0.5, generator=torch.Generator().manual_seed(7))(x)
    assert torch.equal(a, b)


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_dropout_rejects_p_outside_unit_interval(bad):
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        D.Dropout(bad)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        D.GaussianDropout(bad)


def test_dropout_rejects_non_numbers():
    with pytest.raises(TypeError, match="number"):
        D.Dropout("0.5")
    with pytest.raises(TypeError, match="number"):
        D.GaussianDropout(True)


def test_gaussian_dropout_has_matched_mean_and_variance():
    p = 0.3
    layer = D.GaussianDropout(p, generator=torch.Generator().manual_seed(0))
    assert layer.std == pytest.approx(math.sqrt(p / (1 - p)))
    ones = torch.ones(400, 500, dtype=torch.float64)
    multiplier = layer(ones)
    bernoulli = D.Dropout(p, generator=torch.Generator().manual_seed(1))(ones)
    n = ones.numel()
    target_var = p / (1 - p)                                        # Var of inverted dropout's m/(1 − p)
    assert abs(multiplier.mean().item() - 1) < 5 * math.sqrt(target_var / n)
    assert abs(multiplier.var().item() - target_var) < 0.02 * target_var
    assert abs(bernoulli.var().item() - target_var) < 0.02 * target_var
    layer.eval()
    assert torch.equal(layer(ones), ones)


def test_mc_samples_enables_only_dropout_and_restores_modes():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.ReLU(), D.Dropout(0.5), nn.Linear(8, 2))
    model.train()
    X = torch.randn(16, 3)
    running = model[1].running_mean.clone()
    samples = D.mc_samples(model, X, samples=7)
    assert samples.shape == (7, 16, 2)
    assert not torch.equal(samples[0], samples[1])                  # dropout was active
    assert torch.equal(model[1].running_mean, running)              # batch norm stayed in eval mode
    assert all(m.training for m in model.modules())                 # modes restored
    model.eval()
    D.mc_samples(model, X, samples=2)
    assert not any(m.training for m in model.modules())
    with pytest.raises(ValueError, match="samples"):
        D.mc_samples(model, X, samples=0)


def test_mc_average_of_a_single_dropout_layer_approaches_weight_scaling():
    """Dropout before a linear layer: E_mask[W(m ⊙ x)/(1 − p)] = Wx exactly, so MC → eval output."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Dropout(0.5), nn.Linear(6, 1)).double()
    X = randn(5, 6, seed=2)
    mean = D.mc_samples(model, X, samples=20000).mean(0)
    torch.testing.assert_close(mean, model.eval()(X).detach(), atol=0.05, rtol=0)


def test_dropout_mlp_layout_and_its_p_zero_network_is_a_plain_mlp():
    torch.manual_seed(0)
    net = D.dropout_mlp(3, [8, 5], 2, p=0.0, activation=nn.ReLU)
    kinds = [type(m) for m in net]
    assert kinds == [nn.Linear, nn.ReLU, D.Dropout, nn.Linear, nn.ReLU, D.Dropout, nn.Linear]
    assert [m.out_features for m in net if isinstance(m, nn.Linear)] == [8, 5, 2]
    torch.manual_seed(0)                                             # same initialisation order as a plain MLP
    plain = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 5), nn.ReLU(), nn.Linear(5, 2))
    X = torch.randn(10, 3)
    torch.testing.assert_close(net.train()(X), plain(X))             # p = 0: dropout layers are identities


def test_dropout_mlp_is_stochastic_in_training_only():
    torch.manual_seed(1)
    for gaussian, layer in [(False, D.Dropout), (True, D.GaussianDropout)]:
        net = D.dropout_mlp(2, [16], 1, p=0.3, gaussian=gaussian)
        assert sum(isinstance(m, layer) for m in net) == 1 and net[2].p == 0.3
        X = torch.randn(4, 2)
        assert not torch.equal(net.train()(X), net(X))
        assert torch.equal(net.eval()(X), net(X))
        draws = D.mc_samples(net, X, samples=5)
        assert draws.shape == (5, 4, 1) and draws.std(0).min() > 0


def test_dropout_mlp_rejects_bad_arguments():
    with pytest.raises(ValueError, match="hidden"):
        D.dropout_mlp(2, [], 1)
    with pytest.raises(ValueError, match="hidden"):
        D.dropout_mlp(2, [4, 0], 1)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        D.dropout_mlp(2, [4], 1, p=1.0, gaussian=True)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        D.dropout_mlp(2, [4], 1, p=1.5)


def test_dropout_with_p_one_drops_everything_as_torch_does():
    x = torch.randn(5, 3)
    for ours, theirs in ((D.Dropout(1.0), nn.Dropout(1.0)), (D.Dropout(1.0, inverted=False), nn.Dropout(1.0))):
        assert torch.equal(ours(x), theirs(x)) and torch.equal(ours(x), torch.zeros_like(x))
    assert torch.equal(D.Dropout(1.0).eval()(x), nn.Dropout(1.0).eval()(x))
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        D.GaussianDropout(1.0)
