"""TrainingClock: the training loss against seconds spent training, with a time budget."""
import pytest
import torch
from torch.nn import functional as F

import dlbook
from dlbook.optimization import TrainingClock
from dlbook.optimization import clock as clock_module
from helpers import noisy_problem


@pytest.mark.parametrize("budget", [0.0, True, -1])
def test_bad_budget(budget):
    with pytest.raises(ValueError, match="budget"):
        TrainingClock((torch.zeros(1, 2), torch.zeros(1)), budget, F.mse_loss)


def test_training_clock_records_the_full_loss_per_epoch_and_stops_on_its_budget(monkeypatch):
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

    clock = TrainingClock(train, budget=3.5, loss_fn=F.cross_entropy)
    history = dlbook.fit(model, train, loss_fn=F.cross_entropy, epochs=100, batch_size=8,
                         optimizer=torch.optim.SGD(model.parameters(), lr=0.1), callbacks=[Tick(), clock],
                         progress=False)
    assert clock.seconds == [1.0, 2.0, 3.0, 4.0] and len(history) == 4        # stops once past 3.5 s
    assert clock.losses[-1] == pytest.approx(real_evaluate(model, train, loss_fn=F.cross_entropy)["loss"])
    assert clock.losses[0] > clock.losses[-1]


def test_training_clock_starts_afresh_on_every_fit():
    model, train, _ = noisy_problem()
    clock = TrainingClock(train, budget=60.0, loss_fn=F.cross_entropy)
    for epochs in (3, 2):
        dlbook.fit(model, train, loss_fn=F.cross_entropy, epochs=epochs, batch_size=8,
                   optimizer=torch.optim.SGD(model.parameters(), lr=0.1), callbacks=[clock], progress=False)
        assert len(clock.seconds) == len(clock.losses) == epochs
        assert clock.seconds == sorted(clock.seconds) and clock.seconds[0] >= 0
