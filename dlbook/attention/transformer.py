"""A pre-norm transformer block and a small causal transformer language model with a key–value cache.

Block (pre-norm, as GPT-2): ``x ← x + MHA(LN₁(x))``, then ``x ← x + W₂ GELU(W₁ LN₂(x))``. Module
names follow ``torch.nn.TransformerEncoderLayer`` (``self_attn``, ``linear1``, ``linear2``,
``norm1``, ``norm2``), so with ``norm_first=True, activation="gelu", dropout=0`` the two share a
state dict. The language model maps ids ``(B, T)`` to next-token logits ``(B, T, V)`` like
:class:`dlbook.rnn.CharLM`, so the same loss, training loop and bits-per-character score apply.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from ..data import check_token_batch
from ..rnn import generate as generate_by_recomputation
from ..rnn import generate_incrementally
from .attention import attention_weights
from .multihead import MultiheadAttention, _positive_int
from .positional import rotary, sinusoidal_encoding

POSITIONAL = ("learned", "sinusoidal", "rotary", "none")


def _check_positional(positional: str) -> str:
    if positional not in POSITIONAL:
        raise ValueError(f"positional must be one of {POSITIONAL}, got {positional!r}")
    return positional


class TransformerBlock(nn.Module):
    """Pre-norm causal block: ``x: (B, T, D) → (B, T, D)``; ``dim_feedforward`` defaults to ``4D``.

    With ``rotary=True`` the queries and keys of every head are rotated by :func:`~dlbook.attention.rotary`.
    The attention weights of the latest call, ``(B, h, T, S)``, are kept in ``self.weights``.
    """

    def __init__(self, embed_dim: int, num_heads: int, dim_feedforward: int | None = None, rotary: bool = False):
        super().__init__()
        dim_feedforward = 4 * embed_dim if dim_feedforward is None else _positive_int(dim_feedforward, "dim_feedforward")
        self.self_attn = MultiheadAttention(embed_dim, num_heads, batch_first=True)
        self.linear1, self.linear2 = nn.Linear(embed_dim, dim_feedforward), nn.Linear(dim_feedforward, embed_dim)
        self.norm1, self.norm2 = nn.LayerNorm(embed_dim), nn.LayerNorm(embed_dim)
        self.rotary, self.weights = rotary, None

    def attend(self, x: torch.Tensor, past: tuple[torch.Tensor, torch.Tensor] | None = None):
        """Causal self-attention of ``x: (B, T, D)`` after ``P`` cached positions ``past = (k, v): (B, h, P, d)``.

        → ``(output (B, T, D), (k, v): (B, h, P + T, d))``. Query ``i`` (position ``P + i``) sees keys ``0 … P + i``.
        """
        attn = self.self_attn
        q, k, v = attn.project(x, 0), attn.project(x, 1), attn.project(x, 2)  # (B, h, T, d)
        P, T = (0 if past is None else past[0].shape[2]), x.shape[1]
        if self.rotary:
            positions = torch.arange(P, P + T, device=x.device)
            q, k = rotary(q, positions), rotary(k, positions)
        if past is not None:
            k, v = torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)
        mask = torch.ones(T, P + T, dtype=torch.bool, device=x.device).tril(diagonal=P)
        weights = attention_weights(q, k, mask)  # (B, h, T, P + T)
        self.weights = weights.detach()
        return attn.merge(weights @ v), (k, v)

    def forward_with_cache(self, x: torch.Tensor, past=None):
        """``x: (B, T, D)`` and the cached ``(k, v)`` (or ``None``) → ``(output (B, T, D), new (k, v))``."""
        if not isinstance(x, torch.Tensor) or x.dim() != 3 or x.shape[-1] != self.norm1.normalized_shape[0]:
            raise ValueError(f"x must be (B, T, {self.norm1.normalized_shape[0]}), got "
                             f"{tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__}")
        attended, present = self.attend(self.norm1(x), past)
        x = x + attended                                                 # x + MHA(LN₁ x)
        x = x + self.linear2(F.gelu(self.linear1(self.norm2(x))))        # x + W₂ GELU(W₁ LN₂ x)
        return x, present

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_with_cache(x)[0]


def transformer_parameters(vocab_size: int, embed_dim: int, num_layers: int, context_size: int,
                           positional: str = "learned", dim_feedforward: int | None = None) -> int:
    """Parameters of :class:`~dlbook.attention.TransformerLM`: ``V·D + [C·D] + L·(4D² + 4D + 2·D·F + F + D + 4D) + 2D + D·V + V``.

    Per block: attention ``4D² + 4D`` (``W_Q, W_K, W_V, W_O`` and biases), MLP ``2DF + F + D``, two
    LayerNorms ``4D``; ``C·D`` only for learned positions; the final LayerNorm ``2D`` and the head ``DV + V``.
    """
    for value, name in ((vocab_size, "vocab_size"), (embed_dim, "embed_dim"), (num_layers, "num_layers"),
                        (context_size, "context_size")):
        _positive_int(value, name)
    D = embed_dim
    F_ = 4 * D if dim_feedforward is None else dim_feedforward
    block = 4 * D * D + 4 * D + 2 * D * F_ + F_ + D + 4 * D
    positions = context_size * D if _check_positional(positional) == "learned" else 0
    return vocab_size * D + positions + num_layers * block + 2 * D + D * vocab_size + vocab_size


def embed_dim_for(n_parameters: int, vocab_size: int, num_heads: int, num_layers: int, context_size: int,
                  positional: str = "learned") -> int:
    """The multiple of ``num_heads`` whose :func:`~dlbook.attention.transformer_parameters` is closest to ``n_parameters``."""
    _positive_int(n_parameters, "n_parameters"), _positive_int(num_heads, "num_heads")
    count = lambda d: transformer_parameters(vocab_size, d, num_layers, context_size, positional)  # noqa: E731
    if n_parameters < count(num_heads):
        raise ValueError(f"the smallest such transformer has {count(num_heads)} parameters, asked for {n_parameters}")
    d = num_heads
    while count(d + num_heads) <= n_parameters:
        d += num_heads
    return d + num_heads if count(d + num_heads) - n_parameters < n_parameters - count(d) else d


class TransformerLM(nn.Module):
    """Token embedding (+ positions) → ``num_layers`` :class:`~dlbook.attention.TransformerBlock` → LayerNorm → linear head.

    ``idx: (B, T)`` int64, ``T ≤ context_size`` → logits ``(B, T, V)``. ``positional``: ``"learned"``
    (an embedding per position), ``"sinusoidal"`` (a fixed buffer), ``"rotary"`` (RoPE inside every head)
    or ``"none"``.
    """

    def __init__(self, vocab_size: int, embed_dim: int, num_heads: int, num_layers: int, context_size: int,
                 positional: str = "learned", dim_feedforward: int | None = None):
        super().__init__()
        for value, name in ((vocab_size, "vocab_size"), (num_layers, "num_layers"), (context_size, "context_size")):
            _positive_int(value, name)
        self.positional, self.vocab_size, self.context_size = _check_positional(positional), vocab_size, context_size
        self.token = nn.Embedding(vocab_size, embed_dim)
        if positional == "learned":
            self.position = nn.Embedding(context_size, embed_dim)
        elif positional == "sinusoidal":
            self.register_buffer("position_table", sinusoidal_encoding(context_size, embed_dim), persistent=False)
        self.blocks = nn.ModuleList(TransformerBlock(embed_dim, num_heads, dim_feedforward, positional == "rotary")
                                    for _ in range(num_layers))
        self.norm = nn.LayerNorm(embed_dim)
        self.head = nn.Linear(embed_dim, vocab_size)

    def forward_with_cache(self, idx: torch.Tensor, cache: list | None = None):
        """``idx: (B, T)`` after the positions held in ``cache`` (one ``(k, v)`` per block, or ``None``)
        → ``(logits (B, T, V), new cache)``. Feeding a sequence in pieces gives the logits of feeding it whole."""
        check_token_batch(idx, self.vocab_size)
        P = 0 if cache is None else cache[0][0].shape[2]
        if P + idx.shape[1] > self.context_size:
            raise ValueError(f"{P + idx.shape[1]} positions exceed context_size={self.context_size}")
        x = self.token(idx)  # (B, T, D)
        positions = torch.arange(P, P + idx.shape[1], device=idx.device)
        if self.positional == "learned":
            x = x + self.position(positions)
        elif self.positional == "sinusoidal":
            x = x + self.position_table[positions].to(x.dtype)
        new_cache = []
        for i, block in enumerate(self.blocks):
            x, present = block.forward_with_cache(x, None if cache is None else cache[i])
            new_cache.append(present)
        return self.head(self.norm(x)), new_cache

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        """``idx: (B, T)`` → next-token logits ``(B, T, V)``."""
        return self.forward_with_cache(idx)[0]

    @torch.no_grad()
    def generate(self, prompt: torch.Tensor, max_new_tokens: int, *, temperature: float = 1.0,
                 generator: torch.Generator | None = None, use_cache: bool = True) -> torch.Tensor:
        """Continue ``prompt: (B, T₀)`` or ``(T₀,)`` by ``max_new_tokens`` tokens → ``(B, T₀ + n)``, ``T₀ + n ≤ context_size``.

        With ``use_cache`` the prompt is read once and each new token attends to the cached keys and
        values (one position of work per layer); without it every step reruns the whole prefix
        (:func:`dlbook.rnn.generate`). Both give the same tokens.
        """
        if not isinstance(prompt, torch.Tensor) or prompt.dim() not in (1, 2):
            raise ValueError("prompt must be a (T,) or (B, T) tensor of token ids")
        if isinstance(max_new_tokens, int) and prompt.shape[-1] + max_new_tokens > self.context_size:
            raise ValueError(f"prompt of {prompt.shape[-1]} + {max_new_tokens} new tokens exceed "
                             f"context_size={self.context_size}")
        if not use_cache:
            return generate_by_recomputation(self, prompt, max_new_tokens, temperature=temperature, generator=generator)
        return generate_incrementally(self, self.forward_with_cache, prompt, max_new_tokens,
                                      temperature=temperature, generator=generator)
