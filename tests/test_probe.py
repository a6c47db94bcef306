"""dlbook.probe: recording what layers compute, and parameters as one vector."""
import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn
from torch.nn import functional as F

from dlbook import probe
from dlbook.initialization import init_linear_
from dlbook.normalization import deep_mlp
from dlbook.perceptron_mlp import MLP
from helpers import assert_close, generator, randn


def _small_mlp():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 4), nn.ReLU(), nn.Linear(4, 2)).double()


def test_recording_removes_its_hooks_even_after_an_error():
    model = _small_mlp()
    with pytest.raises(RuntimeError):
        with probe.recording([model[0], model[2]]) as seen:
            model(torch.zeros(2, 3, dtype=torch.float64))
            assert [s.shape for s in seen] == [(2, 5), (2, 4)]
            raise RuntimeError("stop")
    assert all(not m._forward_hooks for m in model)
    with pytest.raises(ValueError, match="'output' or 'input'"):
        with probe.recording([model[0]], what="both"):
            pass


def test_flat_parameters_in_parameter_order_and_dtype():
    model = _small_mlp().float()
    theta = probe.flat_parameters(model)
    assert theta.dtype == torch.float32 and len(theta) == sum(p.numel() for p in model.parameters())
    assert torch.equal(theta[:15], model[0].weight.detach().reshape(-1))
    assert probe.flat_parameters(model, torch.float64).dtype == torch.float64
    assert not probe.flat_parameters(model).requires_grad


def test_layer_statistics_bad_input():
    with pytest.raises(ValueError, match="no nn.Linear"):
        probe.layer_statistics(nn.Tanh(), torch.zeros(2, 2))


@settings(max_examples=10, deadline=None)
@given(batch_size=st.integers(2, 10), training=st.booleans(), seed=st.integers(0, 99))  # BN: ≥ 2 rows to train
def test_relu_inputs_are_the_pre_activations_batch_by_batch(batch_size, training, seed):
    torch.manual_seed(seed)
    model = deep_mlp("batch", depth=2, in_features=3, width=4, out_features=2).double()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    x = randn(10, 3, seed=seed)
    seen = probe.relu_inputs(model, x, batch_size, training)
    reference = [[], []]
    model.train(training)
    with torch.no_grad():
        for i in range(0, 10 - batch_size + 1, batch_size):
            h = x[i : i + batch_size]
            for layer, block in enumerate((model[0:2], model[3:5])):
                h = block(h)
                reference[layer].append(h)
                h = torch.relu(h)
    model.load_state_dict(before)  # undo the reference's own running-statistic updates
    assert len(seen) == 2
    for a, b in zip(seen, reference):
        assert_close(a, torch.cat(b))
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key])


def test_relu_inputs_leaves_the_model_alone():
    model = deep_mlp("batch", depth=2, in_features=3, width=4).eval()
    buffers = model[1].running_mean.clone()
    probe.relu_inputs(model, randn(8, 3, dtype=torch.float32), 4, training=True)
    assert not model.training and torch.equal(model[1].running_mean, buffers)


def test_relu_input_statistics_gap_is_zero_without_batch_norm_only():
    x = randn(32, 5, dtype=torch.float32)
    for norm in ("none", "layer", "group", "batch"):
        torch.manual_seed(0)
        model = deep_mlp(norm, depth=3, in_features=5, width=8, groups=2)
        model(randn(64, 5, seed=1, dtype=torch.float32) * 3)  # one training step's running statistics (batch norm)
        stats = probe.relu_input_statistics(model, x, batch_size=4)
        assert len(stats["std"]) == len(stats["gap"]) == 3
        evaluation = probe.relu_inputs(model, x, 4, training=False)
        assert stats["std"] == [float(a.std()) for a in evaluation]
        if norm == "batch":
            assert min(stats["gap"]) > 0.1
        else:
            assert max(stats["gap"]) == 0.0


def test_activation_samples_are_the_hidden_activations():
    model, X = _small_mlp(), torch.randn(10, 3, dtype=torch.float64, generator=generator(0))
    samples = probe.activation_samples(model, X, rows=4)
    with torch.no_grad():
        h1 = torch.tanh(model[0](X))
        h2 = torch.relu(model[2](h1))
    assert [s.shape for s in samples] == [(4, 5), (4, 4)]
    assert all(s.dtype == torch.float64 and not s.requires_grad for s in samples)
    torch.testing.assert_close(samples[0], h1[:4], rtol=0, atol=0)
    torch.testing.assert_close(samples[1], h2[:4], rtol=0, atol=0)
    assert all(not m._forward_hooks for m in model), "the hooks should be removed"


def test_activation_samples_keep_tiny_float64_values():
    model = init_linear_(_small_mlp(), lambda w: nn.init.constant_(w, 1e-100))
    samples = probe.activation_samples(model, torch.ones(2, 3, dtype=torch.float64), rows=5)
    assert samples[0].shape == (2, 5)  # fewer inputs than rows: all of them
    assert torch.allclose(samples[0], torch.full((2, 5), 3e-100, dtype=torch.float64), rtol=1e-12, atol=0)


def test_activation_samples_bad_input():
    with pytest.raises(TypeError, match="nn.Sequential"):
        probe.activation_samples(nn.Linear(3, 2), torch.zeros(1, 3))
    with pytest.raises(ValueError, match="no activation module"):
        probe.activation_samples(nn.Sequential(nn.Linear(3, 2)), torch.zeros(1, 3))
    with pytest.raises(ValueError, match="rows must be a positive int"):
        probe.activation_samples(_small_mlp(), torch.zeros(1, 3), rows=0)


def test_layer_statistics_match_a_direct_computation():
    torch.manual_seed(3)
    model = MLP(4, [8, 8], 3, activation="tanh")
    X, y = torch.randn(32, 4), torch.randint(0, 3, (32,))
    stats = probe.layer_statistics(model, X, y, F.cross_entropy)
    assert len(stats) == 3 and all(p.grad is None for p in model.parameters())
    grads = torch.autograd.grad(F.cross_entropy(model(X), y), [m.weight for m in model.linears()])
    assert [s["grad_norm"] for s in stats] == pytest.approx([float(g.norm()) for g in grads], rel=1e-5)
    with torch.no_grad():
        first = model[0](X)
    assert stats[0]["activation_std"] == pytest.approx(float(first.std()), rel=1e-5)
    assert "grad_norm" not in probe.layer_statistics(model, X)[0]


def test_layer_statistics_keep_float64_scales():
    # a float64 network whose signal shrinks far below float32's smallest number (~1e-45)
    model = nn.Sequential(*[nn.Linear(4, 4, bias=False) for _ in range(12)]).double()
    for layer in model:
        nn.init.eye_(layer.weight)
        layer.weight.data *= 1e-5
    stats = probe.layer_statistics(model, torch.randn(16, 4, dtype=torch.float64))
    assert 0 < stats[-1]["activation_std"] < 1e-55


def test_relu_inputs_errors():
    model = deep_mlp(depth=1, in_features=3, width=4)
    with pytest.raises(ValueError, match=r"batch_size must be an int in \[1, 5\]"):
        probe.relu_inputs(model, randn(5, 3, dtype=torch.float32), 6, training=False)
    with pytest.raises(ValueError, match="has no nn.ReLU module"):
        probe.relu_inputs(nn.Linear(3, 2), randn(5, 3, dtype=torch.float32), 2, training=False)


def test_parameters_from_flat_inverts_flat_parameters_and_keeps_the_graph():
    model = _small_mlp()
    theta = probe.flat_parameters(model).requires_grad_(True)
    params = probe.parameters_from_flat(model, theta)
    assert list(params) == [n for n, _ in model.named_parameters()]
    for name, p in model.named_parameters():
        assert torch.equal(params[name], p.detach())
    x = torch.randn(4, 3, dtype=torch.float64)
    out = torch.func.functional_call(model, params, (x,))
    assert_close(out, model(x).detach())
    (grad,) = torch.autograd.grad(out.sum(), theta)
    model(x).sum().backward()
    assert_close(grad, torch.cat([p.grad.reshape(-1) for p in model.parameters()]))
    with pytest.raises(ValueError, match=r"θ must have shape \(54,\)"):
        probe.parameters_from_flat(model, theta[:3])
