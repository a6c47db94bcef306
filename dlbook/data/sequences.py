"""Long-memory tasks for recurrent networks: the copy (recall) task and the adding problem.

Both put the information a model needs at the start of a sequence and ask for it only at
the end, so solving them needs a gradient that survives ``delay`` steps of backpropagation
through time (Hochreiter and Schmidhuber, 1997). Every generator takes an explicit ``seed``.
"""
from __future__ import annotations

import torch


def _check_int(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def copy_task(n: int, delay: int, *, length: int = 1, n_symbols: int = 8, distractors: bool = False, seed: int = 0):
    """The copy task: see ``length`` symbols, wait ``delay`` blank steps, then reproduce them after a go marker.

    Tokens ``0 … n_symbols−1`` are symbols, ``n_symbols`` the blank and ``n_symbols + 1`` the
    go marker. The input is ``[s₁ … s_L, blank × delay, go, blank × (L − 1)]``, one-hot:
    ``X: (n, T, n_symbols + 2)`` float32 with ``T = 2L + delay``; the target is
    ``y: (n, L)`` int64, the symbols, to be read out at the last ``L`` steps. Guessing
    scores ``1 / n_symbols``. With ``distractors`` the ``delay`` waiting steps show random
    symbols instead of blanks, which the model has to ignore.
    """
    _check_int(n, "n", 1), _check_int(delay, "delay", 0), _check_int(length, "length", 1)
    _check_int(n_symbols, "n_symbols", 2)
    gen = torch.Generator().manual_seed(seed)
    symbols = torch.randint(0, n_symbols, (n, length), generator=gen)
    tokens = torch.full((n, 2 * length + delay), n_symbols, dtype=torch.int64)
    tokens[:, :length] = symbols
    if distractors:   # the waiting steps show random symbols the model must ignore
        tokens[:, length:length + delay] = torch.randint(0, n_symbols, (n, delay), generator=gen)
    tokens[:, length + delay] = n_symbols + 1
    return torch.nn.functional.one_hot(tokens, n_symbols + 2).float(), symbols


def adding_problem(n: int, length: int, *, seed: int = 0):
    """The adding problem: ``length`` random values in ``[0, 1)``; output the sum of the two that are marked.

    ``X: (n, length, 2)`` float32 holds the values in channel 0 and the markers in channel 1
    (one marker in the first half, one in the second); ``y: (n, 1)`` float32 is the marked sum.
    Predicting 1 whatever the input gives a mean squared error of 1/6.
    """
    _check_int(n, "n", 1), _check_int(length, "length", 2)
    gen = torch.Generator().manual_seed(seed)
    values = torch.rand(n, length, generator=gen)
    half = length // 2
    first = torch.randint(0, half, (n,), generator=gen)
    second = torch.randint(half, length, (n,), generator=gen)
    markers = torch.zeros(n, length)
    rows = torch.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    y = (values[rows, first] + values[rows, second])[:, None]
    return torch.stack([values, markers], dim=-1), y
