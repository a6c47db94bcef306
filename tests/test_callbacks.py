import os

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import dlbook
from dlbook import callbacks
from helpers import noisy_problem


def test_early_stopping_stops_and_restores_the_best_weights(tmp_path):
    model, train, val = noisy_problem()
    stopper = dlbook.EarlyStopping(patience=3)
    best = dlbook.Checkpoint(tmp_path / "best.pt", monitor="val_loss")
    history = dlbook.fit(model, train, val=val, loss_fn=F.cross_entropy, epochs=300, batch_size=8,
                         optimizer=torch.optim.Adam(model.parameters(), lr=0.01), callbacks=[best, stopper],
                         progress=False)
    assert stopper.stopped_epoch is not None and len(history) == stopper.stopped_epoch < 300
    assert stopper.best_epoch == history.best("val_loss")[0]
    saved = torch.load(tmp_path / "best.pt", weights_only=True)
    assert saved["epoch"] == stopper.best_epoch
    for name, value in model.state_dict().items():
        assert torch.equal(value, saved["model"][name])
    assert dlbook.evaluate(model, val, loss_fn=F.cross_entropy)["loss"] == pytest.approx(stopper.best, rel=1e-5)


def test_checkpoint_round_trip(tmp_path):
    model, train, val = noisy_problem()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    path = tmp_path / "sub" / "run.pt"
    history = dlbook.fit(model, train, loss_fn=F.cross_entropy, epochs=4, optimizer=opt,
                         callbacks=[dlbook.Checkpoint(path, every=2)], progress=False)
    assert sorted(os.listdir(path.parent)) == ["run.pt"]  # no temporary file left behind
    fresh, _, _ = noisy_problem(seed=5)
    fresh_opt = torch.optim.Adam(fresh.parameters(), lr=0.01)
    restored = dlbook.load_checkpoint(path, fresh, fresh_opt)
    assert restored["epoch"] == 4 and restored["history"].epochs == history.epochs
    assert restored["history"]["loss"] == history["loss"]
    for a, b in zip(model.parameters(), fresh.parameters()):
        assert torch.equal(a, b)
    assert fresh_opt.state_dict()["state"].keys() == opt.state_dict()["state"].keys()


def test_atomic_save_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    callbacks.save_atomic({"a": torch.ones(2)}, path)

    def broken_save(obj, f):
        with open(f, "wb") as out:
            out.write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(callbacks.torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        callbacks.save_atomic({"a": torch.zeros(2)}, path)
    assert torch.equal(torch.load(path, weights_only=True)["a"], torch.ones(2))
    assert os.listdir(tmp_path) == ["ckpt.pt"]


def test_live_plot_draws_once_when_headless(monkeypatch):
    monkeypatch.setenv("DLBOOK_HEADLESS", "1")
    drawn = []
    monkeypatch.setattr(dlbook.LivePlot, "_draw", lambda self, state: drawn.append(state.epoch))
    model, train, _ = noisy_problem()
    dlbook.fit(model, train, loss_fn=F.cross_entropy, epochs=3, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
               callbacks=[dlbook.LivePlot()])
    assert drawn == [3]


def test_live_plot_redraws_every_epoch_when_watched(monkeypatch):
    monkeypatch.setenv("DLBOOK_HEADLESS", "0")
    drawn = []
    monkeypatch.setattr(dlbook.LivePlot, "_draw", lambda self, state: drawn.append(state.epoch))
    model, train, _ = noisy_problem()
    dlbook.fit(model, train, loss_fn=F.cross_entropy, epochs=4, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
               callbacks=[dlbook.LivePlot(every=2)], progress=False)
    assert drawn == [2, 4, 4]


def test_live_plot_displays_a_figure(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda fig: shown.append(fig))
    monkeypatch.setattr("IPython.display.clear_output", lambda wait=False: None)
    model, train, _ = noisy_problem()
    dlbook.fit(model, train, loss_fn=F.cross_entropy, epochs=2, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
               callbacks=[dlbook.LivePlot()], progress=False)
    assert shown and all(hasattr(fig, "savefig") for fig in shown)


@pytest.mark.parametrize("make, message", [
    (lambda: dlbook.EarlyStopping(patience=0), "patience"),
    (lambda: dlbook.EarlyStopping(mode="up"), "mode"),
    (lambda: dlbook.EarlyStopping(min_delta=-1), "min_delta"),
    (lambda: dlbook.Checkpoint("x.pt", every=0), "every"),
    (lambda: dlbook.LivePlot(every=0), "every"),
])
def test_bad_callback_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()
