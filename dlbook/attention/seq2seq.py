"""An encoder–decoder GRU with and without attention (Sutskever et al. 2014; Bahdanau et al. 2015; Luong et al. 2015).

The encoder reads the source and hands its last state to the decoder. Without attention that one
vector ``h_S`` is all the decoder knows about the source. With attention, each decoder state ``s_t``
also looks the source up: ``c_t = Σ_j α_tj h_j``, ``α_t = softmax_j(s_t · h_j / √H)``, and the next
token is predicted from ``[s_t; c_t]`` (dot-product attention over the encoder states, Luong's form).
"""
from __future__ import annotations

import torch
from torch import nn

from .attention import attention_weights
from .multihead import _positive_int


class Seq2Seq(nn.Module):
    """``forward(src (N, S), tgt_in (N, T))`` → logits ``(N, T, V)`` under teacher forcing.

    ``tgt_in`` is the target shifted right behind the start token ``bos = vocab_size``
    (:meth:`~dlbook.attention.Seq2Seq.shift_right`). The latest attention weights ``(N, T, S)`` are kept in ``self.weights``.
    """

    def __init__(self, vocab_size: int, hidden_size: int = 64, embedding_dim: int = 32, attention: bool = True):
        super().__init__()
        for value, name in ((vocab_size, "vocab_size"), (hidden_size, "hidden_size"), (embedding_dim, "embedding_dim")):
            _positive_int(value, name)
        self.vocab_size, self.bos, self.attention = vocab_size, vocab_size, attention
        self.source_embedding = nn.Embedding(vocab_size, embedding_dim)
        self.target_embedding = nn.Embedding(vocab_size + 1, embedding_dim)  # + the start token
        self.encoder = nn.GRU(embedding_dim, hidden_size, batch_first=True)
        self.decoder = nn.GRU(embedding_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(2 * hidden_size if attention else hidden_size, vocab_size)
        self.weights = None

    def shift_right(self, tgt: torch.Tensor) -> torch.Tensor:
        """``tgt: (N, T)`` → ``[bos, y_0, …, y_{T−2}]: (N, T)``, the decoder's teacher-forced inputs."""
        return torch.cat([torch.full_like(tgt[:, :1], self.bos), tgt[:, :-1]], dim=1)

    def _check(self, ids, name, high):
        if not isinstance(ids, torch.Tensor) or ids.is_floating_point() or ids.dtype == torch.bool:
            raise TypeError(f"{name} must be an integer tensor of token ids")
        if ids.dim() != 2:
            raise ValueError(f"{name} must be (N, length), got shape {tuple(ids.shape)}")
        if ids.numel() and (ids.min() < 0 or ids.max() >= high):
            raise ValueError(f"{name} ids must lie in [0, {high}), got {int(ids.min())}..{int(ids.max())}")

    def encode(self, src: torch.Tensor):
        """``src: (N, S)`` → encoder states ``(N, S, H)`` and the last state ``(1, N, H)``."""
        self._check(src, "src", self.vocab_size)
        return self.encoder(self.source_embedding(src))

    def decode(self, tgt_in, encoded, state):
        """Decoder steps for ``tgt_in: (N, T)`` from ``state (1, N, H)`` → ``(logits (N, T, V), new state)``."""
        out, state = self.decoder(self.target_embedding(tgt_in), state)  # (N, T, H)
        if self.attention:
            weights = attention_weights(out, encoded)  # (N, T, S)
            self.weights = weights.detach()
            out = torch.cat([out, weights @ encoded], dim=-1)  # [s_t; c_t]
        return self.head(out), state

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        self._check(src, "src", self.vocab_size)
        self._check(tgt_in, "tgt_in", self.vocab_size + 1)
        if tgt_in.shape[0] != src.shape[0]:
            raise ValueError(f"src and tgt_in have different batch sizes, {src.shape[0]} and {tgt_in.shape[0]}")
        encoded, state = self.encode(src)
        return self.decode(tgt_in, encoded, state)[0]

    @torch.no_grad()
    def translate(self, src: torch.Tensor, length: int) -> torch.Tensor:
        """Greedy decoding, each step fed the previous prediction: ``src (N, S)`` → ``(N, length)``.

        ``self.weights`` then holds the attention of every step, ``(N, length, S)``.
        """
        _positive_int(length, "length")
        encoded, state = self.encode(src)
        token = torch.full_like(src[:, :1], self.bos)
        outputs, weights = [], []
        for _ in range(length):
            logits, state = self.decode(token, encoded, state)
            token = logits.argmax(-1)
            outputs.append(token)
            weights.append(self.weights)
        self.weights = torch.cat(weights, dim=1) if self.attention else None
        return torch.cat(outputs, dim=1)
