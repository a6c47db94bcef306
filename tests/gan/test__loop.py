import pytest
import torch

import dlbook
from dlbook.gan._loop import Batches, Log, call


def test_full_batch_returns_the_whole_set_and_minibatches_draw_from_it():
    X, y = torch.arange(10.0)[:, None], torch.arange(10)
    full = Batches(X, y, 64, 3, torch.device("cpu"), 0)
    assert full.real_batch()[0] is full.real and full.latent().shape == (10, 3)
    mini = Batches(X, y, 4, 3, torch.device("cpu"), 0)
    xb, yb = mini.real_batch()
    assert xb.shape == (4, 1) and torch.equal(xb[:, 0].long(), yb)


def test_log_appends_interval_means_and_names_divergence():
    log = Log("loop", 2, torch.device("cpu"))
    assert not log.add(1, a=torch.tensor(1.0))
    assert log.add(2, a=torch.tensor(3.0))
    assert log.history["a"] == [2.0] and log.history.epochs == [2]
    with pytest.raises(dlbook.TrainingDiverged, match="loop: a became inf at step 3"):
        log.add(3, a=torch.tensor(float("inf")))


def test_call_passes_labels_only_when_given():
    assert call(lambda x: x + 1, torch.zeros(1), None) == 1
    assert call(lambda x, y: x + y, torch.zeros(1), torch.ones(1)) == 1
