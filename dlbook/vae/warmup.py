"""KL warm-up: the weight of the KL term rises from 0 to its target over the first steps of training."""
from __future__ import annotations

from dlbook.train import Callback

from .bounds import NegativeELBO


class KLWarmup(Callback):
    """Set ``loss.beta = beta · min(1, step / steps)`` after every optimiser step of :func:`dlbook.fit`.

    Early on the encoder is free to put information into ``z`` before the KL term starts
    pulling every ``q(z | x)`` towards the prior (Bowman et al., 2016; Sønderby et al., 2016).
    """

    def __init__(self, loss: NegativeELBO, steps: int, beta: float = 1.0):
        if not isinstance(loss, NegativeELBO):
            raise TypeError(f"loss must be a NegativeELBO, got {type(loss).__name__}")
        if not isinstance(steps, int) or steps < 1:
            raise ValueError(f"steps must be a positive int, got {steps!r}")
        if beta < 0:
            raise ValueError(f"beta must be non-negative, got {beta}")
        self.loss, self.steps, self.beta = loss, steps, beta

    def on_fit_start(self, state) -> None:
        self.loss.beta = 0.0

    def on_step_end(self, state) -> None:
        self.loss.beta = self.beta * min(1.0, state.step / self.steps)
