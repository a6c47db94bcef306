"""The summed errors of PRML for a network with one output: the losses whose Hessian
chapter 2 computes.

``E = ½ Σ (yₙ − tₙ)²`` ("sum_squares", ``y = z``), or ``E = −Σ [tₙ ln yₙ + (1 − tₙ) ln(1 −
yₙ)]`` with ``yₙ = σ(zₙ)`` ("logistic"), where ``zₙ`` is the output unit's pre-activation
(PRML writes ``aₙ``; the book's notation uses ``z``).
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

LOSSES = ("sum_squares", "logistic")


def check_loss(loss: str) -> str:
    """``loss`` itself if it names one of :data:`LOSSES`; a ``ValueError`` naming them
    otherwise."""
    if loss not in LOSSES:
        raise ValueError(f"loss must be 'sum_squares' or 'logistic', got {loss!r}")
    return loss


def example_errors(z: torch.Tensor, t: torch.Tensor, loss: str) -> torch.Tensor:
    """``Eₙ`` of every example from its output ``z: (N,)`` and target ``t: (N,)`` →
    ``(N,)``."""
    if check_loss(loss) == "sum_squares":
        return 0.5 * (z - t) ** 2
    return (
        F.softplus(z) - t * z
    )  # −[t ln σ(z) + (1−t) ln(1−σ(z))] = softplus(z) − t z, stably


def summed_error(output: torch.Tensor, t: torch.Tensor, loss: str) -> torch.Tensor:
    """``E = Σₙ Eₙ`` (a scalar) from a one-output network's ``output: (N,) or (N, 1)`` and
    ``t: (N,)``; usable as ``fit``'s ``loss_fn`` through ``functools.partial(summed_error,
    loss=...)``.
    """
    if output.numel() != t.numel():
        raise ValueError(
            f"summed_error needs one output per target, got shapes {tuple(output.shape)}"
            f" and {tuple(t.shape)}"
        )
    return example_errors(output.reshape(-1), t.reshape(-1), loss).sum()
