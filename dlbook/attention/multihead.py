"""Multi-head attention from scratch, a drop-in for ``torch.nn.MultiheadAttention``.

Each of ``h`` heads projects queries, keys and values to ``d = E / h`` dimensions, attends with
:func:`~dlbook.attention.scaled_dot_product_attention`, and the heads' outputs are concatenated and
mixed by one output projection: ``MHA(Q, K, V) = concat(head_1, …, head_h) W_O``,
``head_i = softmax(Q W_Q^i (K W_K^i)ᵀ / √d) V W_V^i``. The parameter names are torch's
(``in_proj_weight``, ``in_proj_bias``, ``out_proj.weight``, ``out_proj.bias``), so a state dict moves between the two.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from .attention import attention_weights


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return value


def _additive(mask: torch.Tensor, name: str, dtype: torch.dtype) -> torch.Tensor:
    """torch.nn.MultiheadAttention's convention: a boolean mask is ``True`` where attention is NOT allowed."""
    if not isinstance(mask, torch.Tensor):
        raise TypeError(f"{name} must be a tensor, got {type(mask).__name__}")
    if mask.dtype == torch.bool:
        return torch.zeros(mask.shape, dtype=dtype, device=mask.device).masked_fill(mask, float("-inf"))
    if not mask.is_floating_point():
        raise TypeError(f"{name} must be bool or floating point, got {mask.dtype}")
    return mask.to(dtype)


class MultiheadAttention(nn.Module):
    """``MultiheadAttention(embed_dim, num_heads, bias=True, batch_first=False)`` as in torch (no dropout, no kdim/vdim).

    ``forward(query, key, value, key_padding_mask=None, attn_mask=None, need_weights=True,
    average_attn_weights=True)``: query ``(L, N, E)``, key and value ``(S, N, E)``
    (``(N, L, E)``/``(N, S, E)`` with ``batch_first``; ``(L, E)``/``(S, E)`` unbatched) →
    ``(output like query, weights (N, L, S) or (N, h, L, S) or None)``.
    ``key_padding_mask (N, S)`` and ``attn_mask (L, S)`` or ``(N·h, L, S)``: ``True`` hides a key, floats are added.
    """

    def __init__(self, embed_dim: int, num_heads: int, bias: bool = True, batch_first: bool = False):
        super().__init__()
        _positive_int(embed_dim, "embed_dim"), _positive_int(num_heads, "num_heads")
        if embed_dim % num_heads:
            raise ValueError(f"embed_dim={embed_dim} must be divisible by num_heads={num_heads}")
        self.embed_dim, self.num_heads, self.head_dim = embed_dim, num_heads, embed_dim // num_heads
        self.batch_first = batch_first
        self.in_proj_weight = nn.Parameter(torch.empty(3 * embed_dim, embed_dim))  # rows: W_Q, W_K, W_V
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * embed_dim)) if bias else None
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        nn.init.xavier_uniform_(self.in_proj_weight)
        if bias:
            nn.init.zeros_(self.out_proj.bias)

    def project(self, x: torch.Tensor, which: int) -> torch.Tensor:
        """Project ``x: (N, T, E)`` with ``W_Q``, ``W_K`` or ``W_V`` (``which`` = 0, 1, 2) → heads ``(N, h, T, d)``."""
        E = self.embed_dim
        w = self.in_proj_weight[which * E:(which + 1) * E]
        b = None if self.in_proj_bias is None else self.in_proj_bias[which * E:(which + 1) * E]
        N, T, _ = x.shape
        return F.linear(x, w, b).view(N, T, self.num_heads, self.head_dim).transpose(1, 2)

    def merge(self, heads: torch.Tensor) -> torch.Tensor:
        """Concatenate the heads ``(N, h, T, d)`` and apply ``W_O`` → ``(N, T, E)``."""
        N, _, T, _ = heads.shape
        return self.out_proj(heads.transpose(1, 2).reshape(N, T, self.embed_dim))

    def _check(self, query, key, value):
        for name, t in (("query", query), ("key", key), ("value", value)):
            if not isinstance(t, torch.Tensor) or not t.is_floating_point():
                raise TypeError(f"{name} must be a floating-point tensor")
            if t.dim() != query.dim() or t.dim() not in (2, 3):
                raise ValueError(f"query, key and value must all be 3-D (batched) or 2-D (unbatched), "
                                 f"got {name} of shape {tuple(t.shape)}")
            if t.shape[-1] != self.embed_dim:
                raise ValueError(f"{name} must have embed_dim={self.embed_dim} features, got {t.shape[-1]}")
        if key.shape != value.shape:
            raise ValueError(f"key {tuple(key.shape)} and value {tuple(value.shape)} must have the same shape")
        batch = 0 if self.batch_first else 1
        if query.dim() == 3 and query.shape[batch] != key.shape[batch]:
            raise ValueError(f"query and key have different batch sizes, {query.shape[batch]} and {key.shape[batch]}")

    def forward(self, query, key, value, key_padding_mask=None, attn_mask=None, need_weights=True,
                average_attn_weights=True):
        self._check(query, key, value)
        unbatched = query.dim() == 2
        if unbatched:
            query, key, value = query[None], key[None], value[None]
            key_padding_mask = None if key_padding_mask is None else key_padding_mask[None]
        elif not self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        N, L, S, h = query.shape[0], query.shape[1], key.shape[1], self.num_heads
        q, k, v = self.project(query, 0), self.project(key, 1), self.project(value, 2)  # (N, h, T, d)
        mask = torch.zeros(N, h, L, S, dtype=q.dtype, device=q.device)
        if attn_mask is not None:
            if attn_mask.shape not in ((L, S), (N * h, L, S)):
                raise ValueError(f"attn_mask must be (L, S) = ({L}, {S}) or (N·num_heads, L, S) = "
                                 f"({N * h}, {L}, {S}), got {tuple(attn_mask.shape)}")
            additive = _additive(attn_mask, "attn_mask", q.dtype)
            mask = mask + (additive if additive.dim() == 2 else additive.view(N, h, L, S))
        if key_padding_mask is not None:
            if key_padding_mask.shape != (N, S):
                raise ValueError(f"key_padding_mask must be (N, S) = ({N}, {S}), got {tuple(key_padding_mask.shape)}")
            mask = mask + _additive(key_padding_mask, "key_padding_mask", q.dtype)[:, None, None, :]
        weights = attention_weights(q, k, mask)  # (N, h, L, S)
        out = self.merge(weights @ v)  # (N, L, E)
        if unbatched:
            out, weights = out[0], weights[0]
        elif not self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        return out, weights.mean(dim=-3) if average_attn_weights else weights
