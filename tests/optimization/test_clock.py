"""TrainingClock: the full training loss per epoch, the seconds spent training and the steps taken."""
import pytest
import torch
from torch.nn import functional as F

import dlbook
from dlbook.optimization import TrainingClock
from dlbook.optimization import clock as clock_module
from helpers import noisy_problem


def test_bad_loss_fn():
    with pytest.raises(ValueError, match="loss_fn"):
        TrainingClock((torch.zeros(1, 2), torch.zeros(1)), 3.0)


def test_no_step_yet():
    clock = TrainingClock((torch.zeros(1, 2), torch.zeros(1)), F.mse_loss)
    clock.steps = 0
    with pytest.raises(ValueError, match="dlbook.fit"):
        clock.seconds_per_step


def test_training_clock_records_the_full_loss_per_epoch_without_the_time_spent_measuring(monkeypatch):
    model, train, _ = noisy_problem()
    now = [0.0]
    monkeypatch.setattr(clock_module.time, "perf_counter", lambda: now[0])
    real_evaluate = clock_module.evaluate

    def slow_evaluate(*args, **kwargs):                   # measuring takes 5 s that must not count
        now[0] += 5.0
        return real_evaluate(*args, **kwargs)

    monkeypatch.setattr(clock_module, "evaluate", slow_evaluate)

    class Tick(dlbook.Callback):                           # each epoch of training "takes" 1 s
        def on_epoch_end(self, state):
            now[0] += 1.0

    clock = TrainingClock(train, loss_fn=F.cross_entropy)
    history = dlbook.fit(model, train, loss_fn=F.cross_entropy, epochs=4, batch_size=8,
                         optimizer=torch.optim.SGD(model.parameters(), lr=0.1), callbacks=[Tick(), clock],
                         progress=False)
    assert clock.seconds == [1.0, 2.0, 3.0, 4.0] and len(history) == 4     # the clock never stops a run
    assert clock.steps == 4 * 5 and clock.seconds_per_step == pytest.approx(4.0 / 20)
    assert clock.losses[-1] == pytest.approx(real_evaluate(model, train, loss_fn=F.cross_entropy)["loss"])
    assert clock.losses[0] > clock.losses[-1]


def test_training_clock_starts_afresh_on_every_fit():
    model, train, _ = noisy_problem()
    clock = TrainingClock(train, loss_fn=F.cross_entropy)
    for epochs in (3, 2):
        dlbook.fit(model, train, loss_fn=F.cross_entropy, epochs=epochs, batch_size=8,
                   optimizer=torch.optim.SGD(model.parameters(), lr=0.1), callbacks=[clock], progress=False)
        assert len(clock.seconds) == len(clock.losses) == epochs and clock.steps == 5 * epochs
        assert clock.seconds == sorted(clock.seconds) and clock.seconds[0] >= 0
