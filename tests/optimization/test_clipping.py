"""The exploding network and the recorded clipped run of dlbook.optimization.clipping."""
import math

import pytest
import torch

from dlbook import data
from dlbook.optimization import clipping
from dlbook.optimization import optimizers as optim
from dlbook.perceptron_mlp import MLP

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
    with pytest.raises(ValueError, match="max_norm"):
        clipping.train_clipped(clipping.exploding_mlp(), sine(), max_norm=0.0, lr=0.01, momentum=0.9, epochs=1,
                               batch_size=32)
    with pytest.raises(ValueError, match="gain"):
        clipping.exploding_mlp(gain=-1.0)
