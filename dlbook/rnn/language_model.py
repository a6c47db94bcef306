"""A character-level language model: embedding → recurrent layer (RNN, LSTM or GRU) → linear head.

``CharLM(idx)`` maps token ids ``(B, T)`` to next-token logits ``(B, T, V)``, so it trains
with :func:`dlbook.fit` and :func:`~dlbook.rnn.next_token_loss` (teacher forcing) and is
scored with :func:`~dlbook.rnn.bits_per_character`. :func:`count_parameters` and
:func:`hidden_size_for` size the three cell types to equal parameter budgets.
"""
from __future__ import annotations

import torch
from torch import nn

from ..data import check_token_batch
from .cells import GATES, check_size
from .layers import GRU, LSTM, RNN
from .sampling import generate_incrementally

CELLS = {"rnn": (RNN, nn.RNN), "lstm": (LSTM, nn.LSTM), "gru": (GRU, nn.GRU)}


def _check_cell(cell: str) -> str:
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {sorted(CELLS)}, got {cell!r}")
    return cell


def count_parameters(cell: str, vocab_size: int, hidden_size: int, embedding_dim: int, num_layers: int = 1) -> int:
    """Parameters of a :class:`CharLM`: ``V·E + Σ_layers G·(H·(in + H) + 2H) + H·V + V``.

    ``G`` is 1, 4 or 3 gate blocks for the RNN, LSTM and GRU; ``in`` is ``E`` for the first
    layer and ``H`` above it.
    """
    gates = GATES[_check_cell(cell).upper()]
    for value, name in ((vocab_size, "vocab_size"), (hidden_size, "hidden_size"),
                        (embedding_dim, "embedding_dim"), (num_layers, "num_layers")):
        check_size(value, name)
    recurrent = sum(gates * (hidden_size * ((embedding_dim if layer == 0 else hidden_size) + hidden_size)
                             + 2 * hidden_size) for layer in range(num_layers))
    return vocab_size * embedding_dim + recurrent + hidden_size * vocab_size + vocab_size


def hidden_size_for(cell: str, n_parameters: int, vocab_size: int, embedding_dim: int, num_layers: int = 1) -> int:
    """The hidden size whose :func:`count_parameters` is closest to ``n_parameters``."""
    check_size(n_parameters, "n_parameters")
    smallest = count_parameters(cell, vocab_size, 1, embedding_dim, num_layers)
    if n_parameters < smallest:
        raise ValueError(f"a {cell} model of this vocabulary needs at least {smallest} parameters, "
                         f"asked for {n_parameters}")
    hidden = 1
    while count_parameters(cell, vocab_size, hidden + 1, embedding_dim, num_layers) <= n_parameters:
        hidden += 1
    above = count_parameters(cell, vocab_size, hidden + 1, embedding_dim, num_layers)
    below = count_parameters(cell, vocab_size, hidden, embedding_dim, num_layers)
    return hidden + 1 if above - n_parameters < n_parameters - below else hidden


class CharLM(nn.Module):
    """Embedding ``(V, E)`` → ``cell`` layer(s) of width ``hidden_size`` → linear head ``(H → V)``.

    ``idx: (B, T)`` int64 → logits ``(B, T, V)``. ``fused=True`` uses ``torch.nn``'s layer
    (one fused kernel per step, cuDNN on a GPU); ``fused=False`` the chapter's from-scratch
    layer. Both have the same parameter names, so a state dict moves between them.
    """

    def __init__(self, vocab_size: int, hidden_size: int, *, cell: str = "lstm", embedding_dim: int | None = None,
                 num_layers: int = 1, dropout: float = 0.0, fused: bool = True):
        super().__init__()
        self.cell = _check_cell(cell)
        check_size(vocab_size, "vocab_size")
        embedding_dim = hidden_size if embedding_dim is None else embedding_dim
        self.embedding = nn.Embedding(vocab_size, check_size(embedding_dim, "embedding_dim"))
        layer = CELLS[cell][1 if fused else 0]
        self.rnn = layer(embedding_dim, hidden_size, num_layers=num_layers, dropout=dropout, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)
        self.vocab_size = vocab_size

    def forward_with_state(self, idx: torch.Tensor, state=None):
        """``idx: (B, T)`` and the layer's state (``None``: zeros) → ``(logits (B, T, V), new state)``."""
        check_token_batch(idx, self.vocab_size)
        output, state = self.rnn(self.embedding(idx), state)   # (B, T, H)
        return self.head(output), state

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        """``idx: (B, T)`` → logits ``(B, T, V)`` of the next token at every position, from a zero state."""
        return self.forward_with_state(idx)[0]

    @torch.no_grad()
    def generate(self, prompt: torch.Tensor, max_new_tokens: int, *, temperature: float = 1.0,
                 generator: torch.Generator | None = None) -> torch.Tensor:
        """Continue ``prompt: (B, T₀)`` (or ``(T₀,)``) by ``max_new_tokens`` tokens → ``(B, T₀ + n)``.

        The prompt is read once; after that each new token costs one recurrent step, because
        the state carries the whole past. ``temperature`` as in
        :func:`~dlbook.rnn.sample_next_token` (``0``: greedy).
        """
        return generate_incrementally(self, self.forward_with_state, prompt, max_new_tokens,
                                      temperature=temperature, generator=generator)
