"""Synthetic sequence-to-sequence tasks on digit strings, for encoder–decoder models.

``reverse_digits`` draws random digit strings and their reversals: the target's first token is the
source's last, so a model that squeezes the source into one fixed-size vector must carry the
whole string to the end, while an attention model can look each digit up.
"""
from __future__ import annotations

import torch


def reverse_digits(n: int, length: int, *, num_digits: int = 10, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` random strings of ``length`` digits in ``[0, num_digits)`` and their reversals → ``(src, tgt)``, each ``(n, length)`` int64."""
    for value, name in ((n, "n"), (length, "length")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if isinstance(num_digits, bool) or not isinstance(num_digits, int) or num_digits < 2:
        raise ValueError(f"num_digits must be an int ≥ 2, got {num_digits!r}")
    gen = torch.Generator().manual_seed(seed)
    src = torch.randint(0, num_digits, (n, length), generator=gen)
    return src, src.flip(1)
