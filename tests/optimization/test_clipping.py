"""The exploding network and the recorded clipped run of dlbook.optimization.clipping."""
import math

import pytest
import torch

import dlbook
from dlbook import data
from dlbook.history import History
from dlbook.optimization import clipping
from dlbook.optimization import optimizers as optim
from dlbook.perceptron_mlp import MLP
from dlbook.probe import flat_parameters
from dlbook.train import FitState

pytestmark = pytest.mark.usefixtures("one_thread")


def sine(n=64):
    return data.noisy_sine(n, noise=0.1, seed=0)


def test_exploding_mlp_scales_every_weight_matrix_of_the_default_draw():
    model = clipping.exploding_mlp(1, [16, 16], 1, gain=3.0, seed=4)
    torch.manual_seed(4)
    reference = MLP(1, [16, 16], 1, activation="relu")
    for ours, theirs in zip(model.linears(), reference.linears()):
        torch.testing.assert_close(ours.weight, 3.0 * theirs.weight)
        torch.testing.assert_close(ours.bias, theirs.bias)
    assert [layer.out_features for layer in model.linears()] == [16, 16, 1]


def test_gradients_of_the_exploding_mlp_are_over_a_hundred_times_those_at_gain_one():
    X, y = sine()
    norms = {}
    for gain in (1.0, 3.0):
        model = clipping.exploding_mlp(gain=gain)
        torch.nn.functional.mse_loss(model(X), y).backward()
        norms[gain] = float(optim.gradient_norm(model.parameters()))
    assert norms[3.0] > 100 * norms[1.0]


def state_with_large_gradients(seed=0):
    """A FitState whose model holds gradients of norm in the hundreds (the exploding MLP on a sine)."""
    X, y = sine()
    model = clipping.exploding_mlp(seed=seed)
    torch.nn.functional.mse_loss(model(X), y).backward()
    return FitState(model, torch.optim.SGD(model.parameters(), lr=0.01), History(), torch.device("cpu"))


def test_recorded_clipping_is_gradient_clipping_with_our_rule_and_keeps_the_parameters():
    ours, theirs = state_with_large_gradients(), state_with_large_gradients()
    recorder = clipping.RecordedClipping(max_norm=1.0)
    assert isinstance(recorder, dlbook.GradientClipping)
    recorder.on_fit_start(ours)
    recorder.on_before_step(ours)
    raw = float(torch.nn.utils.clip_grad_norm_(theirs.model.parameters(), max_norm=1.0))
    assert recorder.norms == [pytest.approx(raw, rel=1e-6)] and raw > 100
    for p, q in zip(ours.model.parameters(), theirs.model.parameters()):
        torch.testing.assert_close(p.grad, q.grad)
    assert len(recorder.positions) == 1 and torch.equal(recorder.positions[0], flat_parameters(ours.model))


def test_recorded_clipping_without_max_norm_measures_and_leaves_the_gradients_alone():
    state = state_with_large_gradients()
    before = [p.grad.clone() for p in state.model.parameters()]
    recorder = clipping.RecordedClipping(max_norm=None)
    recorder.on_fit_start(state)
    recorder.on_before_step(state)
    assert recorder.norms == [pytest.approx(float(torch.cat([g.reshape(-1) for g in before]).norm()), rel=1e-6)]
    for p, g in zip(state.model.parameters(), before):
        assert torch.equal(p.grad, g)


def test_unclipped_run_diverges_and_keeps_the_error():
    run = clipping.train_clipped(clipping.exploding_mlp(), sine(256), max_norm=None, lr=0.01, momentum=0.9,
                                 epochs=5, batch_size=32, device="cpu")
    assert run.diverged is not None and len(run.history) == 0
    assert len(run.norms) == len(run.positions) == run.diverged.step - 1     # the step that overflowed is not taken
    assert run.norms[-1] > 1000 * run.norms[0]


def test_clipped_run_records_raw_norms_and_bounds_every_step():
    lr, momentum, max_norm = 0.01, 0.9, 1.0
    run = clipping.train_clipped(clipping.exploding_mlp(), sine(256), max_norm=max_norm, lr=lr, momentum=momentum,
                                 epochs=3, batch_size=32, device="cpu")
    assert run.diverged is None and len(run.history) == 3 and len(run.history.step_loss) == 3 * 8
    assert len(run.norms) == len(run.positions) == 24 and run.norms[0] > max_norm     # raw norms, before clipping
    assert all(math.isfinite(v) for v in run.history.step_loss)
    assert run.step_lengths().max() <= lr * max_norm / (1 - momentum) * (1 + 1e-6)


def test_train_clipped_checks_max_norm():
    with pytest.raises(ValueError, match="max_norm must be a positive number"):
        clipping.train_clipped(clipping.exploding_mlp(), sine(), max_norm=0.0, lr=0.01, momentum=0.9, epochs=1,
                               batch_size=32)
    with pytest.raises(ValueError, match="gain"):
        clipping.exploding_mlp(gain=-1.0)
