import pytest
import torch
from hypothesis import assume, given, settings, strategies as st
from torch import nn
from torch.nn import functional as F

import dlbook
from dlbook.perceptron_mlp import MLP
from dlbook.batches import LoaderBatches, TensorBatches, as_batches


def make_problem(n=200, seed=0):
    X, y = dlbook.data.moons(n, noise=0.1, seed=seed)
    torch.manual_seed(seed)
    model = MLP(2, [32], 2, activation="tanh")
    return model, X, y


def train(model, data, epochs=30, **kwargs):
    kwargs.setdefault("optimizer", torch.optim.Adam(model.parameters(), lr=0.02))
    kwargs.setdefault("loss_fn", F.cross_entropy)
    return dlbook.fit(model, data, epochs=epochs, batch_size=32, progress=False, **kwargs)


def test_fit_learns_and_reports_metrics():
    model, X, y = make_problem()
    history = train(model, (X, y), epochs=40, val=(X, y), metrics={"accuracy": dlbook.accuracy})
    assert len(history) == 40 and history.epochs == list(range(1, 41))
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["val_accuracy"][-1] > 0.95
    scores = dlbook.evaluate(model, (X, y), loss_fn=F.cross_entropy, metrics={"accuracy": dlbook.accuracy})
    assert scores["accuracy"] == pytest.approx(history["val_accuracy"][-1])
    assert scores["loss"] == pytest.approx(history["val_loss"][-1], rel=1e-5)


def test_same_seed_same_history_other_seed_other_order():
    runs = []
    for seed in (0, 0, 1):
        model, X, y = make_problem()
        runs.append(train(model, (X, y), epochs=3, seed=seed)["loss"])
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_tensor_pairs_are_batched_on_the_device_by_slicing():
    X, y = torch.randn(10, 3), torch.arange(10)
    source = as_batches((X, y), 4, torch.device("cpu"), shuffle=True, generator=None, name="train")
    assert isinstance(source, TensorBatches)
    batches = list(source.batches(torch.Generator().manual_seed(0)))
    assert [len(b[0]) for b in batches] == [4, 4, 2]
    seen = torch.cat([b[1] for b in batches])
    assert sorted(seen.tolist()) == list(range(10)) and seen.tolist() != list(range(10))
    for xb, yb in batches:
        assert torch.equal(X[yb], xb)  # inputs stay paired with their targets


def test_dataset_and_dataloader_inputs():
    model, X, y = make_problem()
    dataset = torch.utils.data.TensorDataset(X, y)
    h1 = train(model, dataset, epochs=20)
    loader = torch.utils.data.DataLoader(dataset, batch_size=16, shuffle=True)
    h2 = train(model, loader, epochs=2, val=loader)
    assert h1["loss"][-1] < h1["loss"][0]
    assert len(h2) == 2 and "val_loss" in h2


def test_record_steps_keeps_every_step():
    model, X, y = make_problem(n=100)
    history = train(model, (X, y), epochs=3, record_steps=True)
    assert len(history.step_loss) == 3 * 4  # 100 samples in batches of 32


@settings(max_examples=20, deadline=None)
@given(n_x=st.integers(1, 30), n_y=st.integers(1, 30))
def test_length_mismatch_is_a_value_error(n_x, n_y):
    assume(n_x != n_y)
    model = nn.Linear(3, 2)
    with pytest.raises(ValueError, match=rf"differ in length: \[{n_x}, {n_y}\]"):
        dlbook.fit(model, (torch.randn(n_x, 3), torch.zeros(n_y, dtype=torch.long)), loss_fn=F.cross_entropy,
                   optimizer=torch.optim.SGD(model.parameters(), lr=0.1), epochs=1, progress=False)


@pytest.mark.parametrize("kwargs, message", [
    (dict(epochs=-1), "epochs"),
    (dict(epochs=1.5), "epochs"),
    (dict(batch_size=0), "batch_size"),
])
def test_bad_arguments(kwargs, message):
    model, X, y = make_problem(n=20)
    kwargs.setdefault("epochs", 1)
    with pytest.raises(ValueError, match=message):
        dlbook.fit(model, (X, y), loss_fn=F.cross_entropy, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                   progress=False, **kwargs)


def test_bad_types():
    model, X, y = make_problem(n=20)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match="nn.Module"):
        dlbook.fit(lambda x: x, (X, y), loss_fn=F.cross_entropy, optimizer=opt, epochs=1)
    with pytest.raises(TypeError, match="Optimizer"):
        dlbook.fit(model, (X, y), loss_fn=F.cross_entropy, optimizer="adam", epochs=1)
    with pytest.raises(TypeError, match=r"tuple of tensors .*ndarray"):
        dlbook.fit(model, (X.numpy(), y), loss_fn=F.cross_entropy, optimizer=opt, epochs=1)
    with pytest.raises(TypeError, match="a Dataset, a DataLoader"):
        dlbook.fit(model, {"X": X}, loss_fn=F.cross_entropy, optimizer=opt, epochs=1)


def test_empty_data_is_rejected():
    model = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="empty"):
        dlbook.fit(model, (torch.zeros(0, 2), torch.zeros(0, dtype=torch.long)), loss_fn=F.cross_entropy,
                   optimizer=torch.optim.SGD(model.parameters(), lr=0.1), epochs=1)


def test_output_shape_mismatch_names_shapes_and_changes_nothing():
    model = nn.Linear(2, 3)
    before = [p.detach().clone() for p in model.parameters()]
    X, y = torch.randn(8, 2), torch.randn(8, 1)
    with pytest.raises(ValueError, match=r"output \(8, 3\) and targets \(8, 1\)"):
        dlbook.fit(model, (X, y), loss_fn=F.mse_loss, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                   epochs=2, progress=False)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))


def test_targets_out_of_range_name_shapes():
    model = nn.Linear(2, 2)
    X, y = torch.randn(8, 2), torch.full((8,), 5)
    with pytest.raises(ValueError, match=r"output \(8, 2\) and targets \(8,\)"):
        dlbook.fit(model, (X, y), loss_fn=F.cross_entropy, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
                   epochs=1, progress=False)


class NaNAt:
    """A loss that turns NaN at one (epoch, step)."""

    def __init__(self, epoch, step, steps_per_epoch):
        self.calls, self.at = 0, (epoch - 1) * steps_per_epoch + step

    def __call__(self, out, target):
        self.calls += 1
        loss = F.cross_entropy(out, target)
        return loss * float("nan") if self.calls == self.at else loss


def test_divergence_names_epoch_and_step_and_keeps_history():
    model, X, y = make_problem(n=128)  # 4 steps per epoch
    with pytest.raises(dlbook.TrainingDiverged, match="epoch 3, step 2") as info:
        train(model, (X, y), epochs=5, loss_fn=NaNAt(3, 2, 4))
    assert info.value.epoch == 3 and info.value.step == 2
    assert len(info.value.history) == 2
    assert all(torch.isfinite(p).all() for p in model.parameters())  # the NaN step was never applied


class InterruptAt(NaNAt):
    def __call__(self, out, target):
        self.calls += 1
        if self.calls == self.at:
            raise KeyboardInterrupt
        return F.cross_entropy(out, target)


def test_keyboard_interrupt_returns_history_so_far(capsys):
    model, X, y = make_problem(n=128)
    history = train(model, (X, y), epochs=10, loss_fn=InterruptAt(4, 3, 4))
    assert history.interrupted and len(history) == 3
    assert "interrupted in epoch 4" in capsys.readouterr().err


def test_gradient_clipping_callback_bounds_the_step():
    model = nn.Linear(4, 1)
    before = torch.cat([p.detach().flatten() for p in model.parameters()])
    X, y = 100 * torch.randn(16, 4), 100 * torch.randn(16, 1)
    clipping = dlbook.GradientClipping(0.5)
    dlbook.fit(model, (X, y), loss_fn=F.mse_loss, optimizer=torch.optim.SGD(model.parameters(), lr=1.0),
               epochs=1, batch_size=16, callbacks=[clipping], progress=False)
    after = torch.cat([p.detach().flatten() for p in model.parameters()])
    assert (after - before).norm() <= 0.5 + 1e-5
    assert len(clipping.norms) == 1 and clipping.norms[0] > 100    # the raw norm, measured before clipping


def test_step_events_fire_once_per_step_around_the_optimizer_step():
    model, X, y = make_problem(n=100)
    seen = []

    class Watch(dlbook.Callback):
        def on_before_step(self, state):
            seen.append(("before", state.step, state.model[0].weight.detach().clone()))

        def on_step_end(self, state):
            seen.append(("after", state.step, state.model[0].weight.detach().clone()))

    train(model, (X, y), epochs=2, callbacks=[Watch()])
    assert [(kind, step) for kind, step, _ in seen] == [(k, s) for s in range(1, 9) for k in ("before", "after")]
    for (_, _, w_before), (_, _, w_after) in zip(seen[::2], seen[1::2]):
        assert not torch.equal(w_before, w_after)                  # the step happened between the two events


def test_lr_schedule_steps_per_step_or_per_epoch():
    for per, expected in (("step", 8), ("epoch", 2)):
        model, X, y = make_problem(n=100)
        optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
        schedule = dlbook.LRSchedule(torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5), per=per)
        train(model, (X, y), epochs=2, optimizer=optimizer, callbacks=[schedule])
        assert schedule.lrs == [0.5 ** k for k in range(expected)]
        assert optimizer.param_groups[0]["lr"] == 0.5 ** expected
    other = torch.optim.SGD(nn.Linear(1, 1).parameters(), lr=1.0)
    with pytest.raises(ValueError, match="another optimizer"):
        train(model, (X, y), epochs=1, callbacks=[dlbook.LRSchedule(torch.optim.lr_scheduler.StepLR(other, 1))])
    with pytest.raises(ValueError, match="per must be"):
        dlbook.LRSchedule(torch.optim.lr_scheduler.StepLR(other, 1), per="batch")


class Conditional(nn.Module):
    """A model with two inputs: features and a class index that picks one of two linear heads."""

    def __init__(self):
        super().__init__()
        self.heads = nn.Linear(2, 4)

    def forward(self, x, which):
        return self.heads(x).view(len(x), 2, 2)[torch.arange(len(x)), which]


def test_several_inputs_reach_the_model_in_fit_evaluate_and_predict():
    X, y = dlbook.data.moons(200, noise=0.1, seed=0)
    which = (X[:, 0] > 0.5).long()
    torch.manual_seed(0)
    model = Conditional()
    history = train(model, (X, which, y), epochs=40, val=(X, which, y), metrics={"accuracy": dlbook.accuracy})
    assert history["val_accuracy"][-1] > 0.85
    scores = dlbook.evaluate(model, (X, which, y), metrics={"accuracy": dlbook.accuracy})
    assert scores["accuracy"] == pytest.approx(history["val_accuracy"][-1])
    out = dlbook.predict(model, X, which, batch_size=7)
    with torch.no_grad():
        assert torch.allclose(out, model(X, which))
    with pytest.raises(ValueError, match="differ in length"):
        dlbook.predict(model, X, which[:5])


def test_a_list_of_batches_is_used_as_it_is():
    model, X, y = make_problem(n=64)
    batches = [(X[:40], y[:40]), (X[40:], y[40:])]
    source = as_batches(batches, 32, torch.device("cpu"), shuffle=True, generator=None, name="train")
    assert isinstance(source, LoaderBatches) and len(source) == 64
    history = train(model, batches, epochs=3, record_steps=True)
    assert len(history.step_loss) == 6
    with pytest.raises(ValueError, match="at least two tensors"):
        train(model, [(X,)], epochs=1)


def test_amp_flag_runs_unchanged_on_cpu():
    runs = []
    for amp in (False, True):
        model, X, y = make_problem(n=64)
        runs.append(train(model, (X, y), epochs=2, amp=amp, device="cpu")["loss"])
    assert runs[0] == runs[1]


def test_progress_is_silent_when_headless(monkeypatch, capsys):
    monkeypatch.setenv("DLBOOK_HEADLESS", "1")
    model, X, y = make_problem(n=64)
    dlbook.fit(model, (X, y), loss_fn=F.cross_entropy, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
               epochs=2)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_accuracy_for_scores_and_logits():
    scores = torch.tensor([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]])
    assert float(dlbook.accuracy(scores, torch.tensor([0, 1, 1]))) == pytest.approx(2 / 3)
    assert float(dlbook.accuracy(torch.tensor([0.5, -2.0]), torch.tensor([1, 1]))) == 0.5
    with pytest.raises(ValueError, match="one prediction per target"):
        dlbook.accuracy(scores, torch.tensor([0, 1]))


def test_predict_restores_training_mode():
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
    model.train()
    out = dlbook.predict(model, torch.ones(5, 2))
    assert model.training and out.shape == (5, 2)
    assert torch.equal(out, dlbook.predict(model, torch.ones(5, 2)))  # dropout off while predicting


def test_evaluate_and_predict_run_where_the_model_is(monkeypatch):
    # the machine's default device (here pretended to be "meta") is not where this model lives;
    # without an explicit device both must follow the model's parameters, not the default
    monkeypatch.setenv("DLBOOK_DEVICE", "meta")
    assert dlbook.get_device().type == "meta"
    model, X, y = make_problem()
    scores = dlbook.evaluate(model, (X, y), loss_fn=F.cross_entropy)
    assert torch.isfinite(torch.tensor(scores["loss"]))
    assert dlbook.predict(model, X).device.type == "cpu"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_fit_on_cuda_with_bf16_autocast():
    model, X, y = make_problem()
    history = train(model, (X, y), epochs=20, device="cuda", amp=True, val=(X, y), metrics={"accuracy": dlbook.accuracy})
    assert next(model.parameters()).device.type == "cuda"
    assert history["val_accuracy"][-1] > 0.9
