"""Stochastic weight averaging as a callback of dlbook.fit."""
import pytest
import torch
from torch import nn
from torch.nn import functional as F

import dlbook
from dlbook import regularization as reg
from dlbook.callbacks import Callback


pytestmark = pytest.mark.usefixtures("one_thread")


class Snapshots(Callback):
    def on_fit_start(self, state):
        self.weights, self.lrs = [], []

    def on_epoch_end(self, state):
        self.lrs.append(state.optimizer.param_groups[0]["lr"])
        self.weights.append(nn.utils.parameters_to_vector(state.model.parameters()).detach().clone())


def test_swa_averages_the_weights_of_the_epochs_from_start_on():
    torch.manual_seed(0)
    X, y = torch.randn(32, 3), torch.randint(0, 2, (32,))
    model = nn.Linear(3, 2)
    swa, snaps = reg.SWA(start=3, swa_lr=0.01), Snapshots()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    dlbook.fit(model, (X, y), loss_fn=F.cross_entropy, optimizer=optimizer, epochs=6, batch_size=8,
               callbacks=[snaps, swa], progress=False)
    assert swa.averaged_epochs == 4
    expected = torch.stack(snaps.weights[2:]).mean(0)
    torch.testing.assert_close(nn.utils.parameters_to_vector(swa.averaged.module.parameters()), expected)
    assert snaps.lrs == pytest.approx([0.1, 0.1, 0.1, 0.01, 0.01, 0.01])   # untouched until `start`, then swa_lr
    with pytest.raises(ValueError, match="start"):
        reg.SWA(start=0, swa_lr=0.1)
    with pytest.raises(ValueError, match="swa_lr"):
        reg.SWA(start=1, swa_lr=0.0)
