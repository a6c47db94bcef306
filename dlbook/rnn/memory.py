"""The long-memory experiment: a recurrent layer with a linear read-out, trained on the copy task.

:class:`SequenceModel` reads a sequence ``(B, T, I)`` and scores classes (or regresses values)
at its last ``readout`` steps. :func:`copy_task_accuracy` trains one on
``dlbook.data.sequences.copy_task`` with :func:`dlbook.fit` and returns the test accuracy.
"""
from __future__ import annotations

import torch
from torch import nn

from ..callbacks import GradientClipping
from ..data.sequences import copy_task
from ..optimization import clip_grad_norm_
from ..train import fit, model_device, predict
from .cells import check_size
from .gates import chrono_init_
from .language_model import CELLS, _check_cell
from .sampling import next_token_loss


class SequenceModel(nn.Module):
    """``cell`` layer (``'rnn'``, ``'lstm'``, ``'gru'``) → linear head on the last ``readout`` outputs.

    ``x: (B, T, input_size)`` → ``(B, readout, out_features)``. ``fused=False`` uses the
    chapter's from-scratch layer instead of ``torch.nn``'s (same parameter names).
    """

    def __init__(self, input_size: int, hidden_size: int, out_features: int, *, cell: str = "lstm",
                 readout: int = 1, num_layers: int = 1, fused: bool = True):
        super().__init__()
        self.cell, self.readout = _check_cell(cell), check_size(readout, "readout")
        check_size(out_features, "out_features")
        self.rnn = CELLS[cell][1 if fused else 0](input_size, hidden_size, num_layers=num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, out_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not isinstance(x, torch.Tensor) or x.dim() != 3:
            raise ValueError(f"x must be (B, T, I), got {tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__}")
        if x.shape[1] < self.readout:
            raise ValueError(f"a sequence of {x.shape[1]} steps is shorter than readout={self.readout}")
        output, _ = self.rnn(x)                       # (B, T, H)
        return self.head(output[:, -self.readout:])   # (B, readout, out_features)


def copy_task_accuracy(cell: str, delay: int, *, seed: int = 0, hidden_size: int = 32, n_train: int = 2048,
                       n_test: int = 1000, epochs: int = 4, batch_size: int = 32, lr: float = 1e-2,
                       length: int = 1, n_symbols: int = 8, chrono: bool = True, max_norm: float = 1.0,
                       device=None) -> float:
    """Train a :class:`SequenceModel` on the copy task with ``delay`` and return its test accuracy in ``[0, 1]``.

    Adam at ``lr``, gradients clipped at ``max_norm`` by chapter 4's
    :func:`~dlbook.optimization.clip_grad_norm_`; gated cells get :func:`chrono_init_` for
    the task's length when ``chrono``. Training and test sets are drawn with different seeds.
    """
    X, y = copy_task(n_train, delay, length=length, n_symbols=n_symbols, seed=seed)
    X_test, y_test = copy_task(n_test, delay, length=length, n_symbols=n_symbols, seed=10_000 + seed)
    torch.manual_seed(seed)
    model = SequenceModel(n_symbols + 2, hidden_size, n_symbols, cell=cell, readout=length)
    if chrono and cell != "rnn":
        chrono_init_(model.rnn, X.shape[1], generator=torch.Generator().manual_seed(seed))
    fit(model, (X, y), loss_fn=next_token_loss, optimizer=torch.optim.Adam(model.parameters(), lr=lr),
        epochs=epochs, batch_size=batch_size, callbacks=[GradientClipping(max_norm, clip=clip_grad_norm_)],
        device=device, seed=seed, progress=False)
    scores = predict(model, X_test, device=model_device(model))
    return (scores.argmax(-1) == y_test).float().mean().item()
