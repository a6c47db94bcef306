"""Stochastic weight averaging (Izmailov et al. 2018) as a callback of :func:`dlbook.fit`."""
from __future__ import annotations

from torch.optim.swa_utils import SWALR, AveragedModel

from ..train import Callback


class SWA(Callback):
    """Stochastic weight averaging for :func:`dlbook.fit`: average the weights at the end of every epoch
    from epoch ``start`` on; after epoch ``start`` the learning rate moves to the constant ``swa_lr``
    (linearly annealed over ``anneal_epochs`` epochs, via ``torch.optim.swa_utils.SWALR``).

    ``self.averaged`` (a ``torch.optim.swa_utils.AveragedModel``) holds the average; for networks
    with batch norm, recompute its statistics with ``torch.optim.swa_utils.update_bn``.
    """

    def __init__(self, start: int, swa_lr: float, anneal_epochs: int = 1):
        if not isinstance(start, int) or start < 1:
            raise ValueError(f"start must be a positive epoch number, got {start!r}")
        if not swa_lr > 0:
            raise ValueError(f"swa_lr must be positive, got {swa_lr}")
        self.start, self.swa_lr, self.anneal_epochs = start, swa_lr, anneal_epochs

    def on_fit_start(self, state) -> None:
        self.averaged = AveragedModel(state.model)
        self.scheduler, self.averaged_epochs = None, 0
        if self.start == 1:
            self._anneal(state)

    def _anneal(self, state) -> None:
        # Made one epoch before `start` (the learning rate is untouched until then), so that its first
        # step() follows the optimizer's steps of epoch `start`, as torch's schedulers expect.
        self.scheduler = SWALR(state.optimizer, swa_lr=self.swa_lr, anneal_epochs=self.anneal_epochs)

    def on_epoch_end(self, state) -> None:
        if state.epoch == self.start - 1:
            self._anneal(state)
        if state.epoch < self.start:
            return
        self.averaged.update_parameters(state.model)
        self.averaged_epochs += 1
        self.scheduler.step()
