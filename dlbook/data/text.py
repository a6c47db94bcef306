"""An offline English corpus and the pieces a character- or token-level language model needs.

The corpus is the help text of the Python language reference that ships with every
CPython (``pydoc_data/topics.py``, the pages ``help("if")`` prints): about 80 topics,
several hundred thousand characters of English prose about a programming language. It
needs no download and no extra package. Its exact text depends on the Python version, so
numbers measured on it may shift slightly between Python releases.

- ``python_docs`` returns the text; ``text_corpus`` returns it with its
  ``CharVocabulary``.
- ``CharVocabulary`` maps characters to ids and back (``encode``/``decode``).
- ``split_text`` cuts an id stream into a training and a validation part (contiguous,
  so no validation text leaks into training).
- ``next_token_windows`` cuts an id stream into ``(inputs, targets)`` windows for
  teacher forcing, the targets being the inputs shifted by one.
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

import torch

# Typographic characters that occur a few times in the help pages, replaced by ASCII so that
# the vocabulary stays small and every character is seen often enough to be learned.
_ASCII = {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "--", "…": "...", "°": " degrees",
          "ß": "ss"}
_RULE = re.compile(r"^[*=\-~^#+]{3,}$")  # the reST underlines below headings


def python_docs(*, prose_only: bool = True, ascii_only: bool = True) -> str:
    """The Python language reference's help topics as one string (``str``, several hundred thousand characters).

    Topics are joined in alphabetical order, separated by a blank line. ``prose_only``
    drops the literal blocks (grammar rules and code examples) and the heading underlines,
    leaving the running text and its bulleted lists; ``ascii_only`` replaces the few typographic quotes and dashes
    by ASCII, which keeps the character vocabulary under 100 symbols.
    """
    from pydoc_data.topics import topics  # part of the standard library

    text = "\n\n".join(topics[name].strip("\n") for name in sorted(topics))
    if prose_only:
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(_prose_lines(text.split("\n"))))
    if ascii_only:
        text = "".join(_ASCII.get(c, c) for c in text)
        text = "".join(c if c.isascii() else "?" for c in text)
    return text


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _prose_lines(lines: list[str]) -> list[str]:
    """Drop literal blocks and heading underlines. pydoc indents literal blocks (grammar, code) by an odd
    number of spaces (3 under a paragraph, 5 under a bullet), list items and their continuations by an
    even number; a block lasts until a line is indented less than its first line."""
    kept, block = [], None
    for line in lines:
        if line.strip() and block is not None and _indent(line) < block:
            block = None
        if block is None and line.strip() and _indent(line) % 2 == 1:
            block = _indent(line)
        if block is None and not _RULE.match(line.strip()):
            kept.append(line)
    return kept


class CharVocabulary:
    """A character vocabulary: ``encode`` maps a string to ids ``(L,)`` int64, ``decode`` maps ids back.

    ``chars`` is the sorted tuple of distinct characters, ``len(vocab)`` its size; id ``k`` is
    ``chars[k]``. Build one from a text with ``from_text``.
    """

    def __init__(self, chars: Iterable[str]):
        chars = tuple(chars)
        if not chars:
            raise ValueError("a vocabulary needs at least one character")
        for c in chars:
            if not isinstance(c, str) or len(c) != 1:
                raise TypeError(f"every vocabulary entry must be a single character, got {c!r}")
        if len(set(chars)) != len(chars):
            raise ValueError("vocabulary characters must be distinct")
        self.chars = chars
        self.stoi = {c: i for i, c in enumerate(chars)}

    @classmethod
    def from_text(cls, text: str) -> "CharVocabulary":
        """The sorted set of characters that occur in ``text``."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        return cls(sorted(set(text)))

    def __len__(self) -> int:
        return len(self.chars)

    def __repr__(self) -> str:
        return f"CharVocabulary({len(self)} characters)"

    def encode(self, text: str) -> torch.Tensor:
        """``text`` of length ``L`` → ids ``(L,)`` int64. An unknown character raises ``ValueError``."""
        if not isinstance(text, str):
            raise TypeError(f"encode takes a str, got {type(text).__name__}")
        unknown = sorted(set(text) - self.stoi.keys())
        if unknown:
            raise ValueError(f"characters not in the vocabulary: {''.join(unknown)!r}")
        return torch.tensor([self.stoi[c] for c in text], dtype=torch.int64)

    def decode(self, ids: torch.Tensor | Sequence[int]) -> str:
        """ids ``(L,)`` → a string of length ``L``. Ids outside ``[0, len(vocab))`` raise ``ValueError``."""
        ids = torch.as_tensor(ids)
        if ids.dim() != 1:
            raise ValueError(f"decode takes a 1-D sequence of ids, got shape {tuple(ids.shape)}")
        if ids.is_floating_point() or ids.is_complex() or ids.dtype == torch.bool:
            raise TypeError(f"ids must be integers, got {ids.dtype}")
        if len(ids) and (ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"ids must lie in [0, {len(self)}), got {int(ids.min())}..{int(ids.max())}")
        return "".join(self.chars[i] for i in ids.tolist())


def text_corpus(name: str = "python_docs", **kwargs) -> tuple[str, CharVocabulary]:
    """The corpus ``name`` and its character vocabulary: ``(text, vocab)``.

    Only ``"python_docs"`` ships offline (see ``python_docs``, which receives ``kwargs``).
    """
    if name != "python_docs":
        raise ValueError(f"unknown corpus {name!r}; available: 'python_docs'")
    text = python_docs(**kwargs)
    return text, CharVocabulary.from_text(text)


def _check_ids(ids, name: str = "ids") -> torch.Tensor:
    if not isinstance(ids, torch.Tensor):
        raise TypeError(f"{name} must be a tensor, got {type(ids).__name__}")
    if ids.dim() != 1:
        raise ValueError(f"{name} must be 1-D (a stream of token ids), got shape {tuple(ids.shape)}")
    if ids.is_floating_point() or ids.dtype == torch.bool:
        raise TypeError(f"{name} must hold integer token ids, got {ids.dtype}")
    return ids


def check_token_batch(idx, vocab_size: int) -> None:
    """Raise an error that names the problem unless ``idx: (B, T)`` holds integer token ids in
    ``[0, vocab_size)``: the input check of every language model in the book."""
    if not isinstance(idx, torch.Tensor) or idx.is_floating_point() or idx.dtype == torch.bool:
        raise TypeError("idx must be an integer tensor of token ids")
    if idx.dim() != 2:
        raise ValueError(f"idx must be (B, T), got shape {tuple(idx.shape)}")
    if idx.numel() and (idx.min() < 0 or idx.max() >= vocab_size):
        raise ValueError(f"token ids must lie in [0, {vocab_size}), got {int(idx.min())}..{int(idx.max())}")


def split_text(ids: torch.Tensor, val_fraction: float = 0.1) -> tuple[torch.Tensor, torch.Tensor]:
    """Cut an id stream ``(L,)`` into ``(train, val)``: the first ``1 − val_fraction`` and the rest.

    The cut is contiguous, not shuffled: shuffled windows of one text would put neighbouring
    (nearly identical) context on both sides.
    """
    _check_ids(ids)
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must lie in (0, 1), got {val_fraction}")
    n_val = int(round(val_fraction * len(ids)))
    if n_val == 0 or n_val == len(ids):
        raise ValueError(f"a validation fraction of {val_fraction} leaves an empty part of {len(ids)} ids")
    return ids[:-n_val], ids[-n_val:]


def next_token_windows(ids: torch.Tensor, seq_len: int, *, stride: int | None = None,
                       max_windows: int | None = None, seed: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Windows for teacher forcing: ``X, Y: (N, seq_len)`` with ``Y[n, t] = X[n, t + 1]`` in the stream.

    Window ``n`` starts at ``n · stride`` (default ``stride = seq_len``: non-overlapping).
    ``max_windows`` keeps that many, drawn without replacement with ``seed`` (``None``: the first ones).
    """
    _check_ids(ids)
    if isinstance(seq_len, bool) or not isinstance(seq_len, int) or seq_len < 1:
        raise ValueError(f"seq_len must be a positive int, got {seq_len!r}")
    stride = seq_len if stride is None else stride
    if isinstance(stride, bool) or not isinstance(stride, int) or stride < 1:
        raise ValueError(f"stride must be a positive int, got {stride!r}")
    if len(ids) < seq_len + 1:
        raise ValueError(f"a stream of {len(ids)} ids is too short for windows of seq_len={seq_len} (+1 target)")
    starts = torch.arange(0, len(ids) - seq_len, stride)
    if max_windows is not None:
        if isinstance(max_windows, bool) or not isinstance(max_windows, int) or max_windows < 1:
            raise ValueError(f"max_windows must be a positive int, got {max_windows!r}")
        if seed is None:
            starts = starts[:max_windows]
        else:
            order = torch.randperm(len(starts), generator=torch.Generator().manual_seed(seed))
            starts = starts[order[:max_windows]]
    index = starts[:, None] + torch.arange(seq_len + 1)
    windows = ids[index]
    return windows[:, :-1].contiguous(), windows[:, 1:].contiguous()
