"""Attention as a soft lookup: scaled dot-product attention and additive (Bahdanau) attention.

A query ``q`` scores every key ``k_j``; a softmax turns the scores into weights ``α_j`` that
sum to one; the output is the weighted mean of the values, ``Σ_j α_j v_j``. Scaled dot-product
attention scores with ``q·k / √d_k`` (Vaswani et al. 2017); additive attention with a one-layer
network ``wᵀ tanh(W_q q + W_k k)`` (Bahdanau et al. 2015).
"""
from __future__ import annotations

import math

import torch
from torch import nn


def _check_qkv(query, key, value) -> None:
    for name, t in (("query", query), ("key", key), ("value", value)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a tensor, got {type(t).__name__}")
        if not t.is_floating_point():
            raise TypeError(f"{name} must be floating point, got {t.dtype}")
        if t.dim() < 2:
            raise ValueError(f"{name} must be (..., length, features), got shape {tuple(t.shape)}")
    if query.shape[-1] != key.shape[-1]:
        raise ValueError(f"query and key must share their feature size, got {query.shape[-1]} and {key.shape[-1]}")
    if key.shape[-2] != value.shape[-2]:
        raise ValueError(f"key and value must have the same length S, got {key.shape[-2]} and {value.shape[-2]}")


def attention_weights(query: torch.Tensor, key: torch.Tensor, attn_mask: torch.Tensor | None = None,
                      is_causal: bool = False) -> torch.Tensor:
    """``α = softmax(q kᵀ / √d_k + mask)``: query ``(..., L, E)``, key ``(..., S, E)`` → weights ``(..., L, S)``.

    ``attn_mask`` follows ``torch.nn.functional.scaled_dot_product_attention``: a boolean mask
    ``(..., L, S)`` is ``True`` where a query may attend; a floating mask is added to the scores.
    ``is_causal`` lets query ``i`` see keys ``j ≤ i`` only (the mask aligned to the top left).
    """
    _check_qkv(query, key, key)
    scores = query @ key.transpose(-2, -1) / math.sqrt(query.shape[-1])  # (..., L, S)
    L, S = scores.shape[-2:]
    if is_causal:
        if attn_mask is not None:
            raise ValueError("give either attn_mask or is_causal=True, not both (as torch does)")
        attn_mask = torch.ones(L, S, dtype=torch.bool, device=scores.device).tril()
    if attn_mask is not None:
        if not isinstance(attn_mask, torch.Tensor):
            raise TypeError(f"attn_mask must be a tensor, got {type(attn_mask).__name__}")
        if attn_mask.shape[-2:] != (L, S):
            raise ValueError(f"attn_mask must end in (L, S) = ({L}, {S}), got shape {tuple(attn_mask.shape)}")
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attn_mask, float("-inf"))
        elif attn_mask.is_floating_point():
            scores = scores + attn_mask
        else:
            raise TypeError(f"attn_mask must be bool or floating point, got {attn_mask.dtype}")
    return torch.softmax(scores, dim=-1)


def scaled_dot_product_attention(query: torch.Tensor, key: torch.Tensor, value: torch.Tensor,
                                 attn_mask: torch.Tensor | None = None, is_causal: bool = False) -> torch.Tensor:
    """``softmax(q kᵀ / √d_k + mask) v``, as ``torch.nn.functional.scaled_dot_product_attention`` (no dropout).

    query ``(..., L, E)``, key ``(..., S, E)``, value ``(..., S, Ev)`` → ``(..., L, Ev)``.
    Masks as in :func:`~dlbook.attention.attention_weights`.
    """
    _check_qkv(query, key, value)
    return attention_weights(query, key, attn_mask, is_causal) @ value


class AdditiveAttention(nn.Module):
    """Bahdanau's score ``e_ij = wᵀ tanh(W_q q_i + W_k k_j)``, then ``softmax_j`` and the mean of the values.

    ``forward(query (N, L, Dq), key (N, S, Dk), value (N, S, Dv), key_padding_mask (N, S) | None)``
    → ``(output (N, L, Dv), weights (N, L, S))``; ``True`` in ``key_padding_mask`` hides that key.
    """

    def __init__(self, query_dim: int, key_dim: int, hidden_dim: int):
        super().__init__()
        for v, name in ((query_dim, "query_dim"), (key_dim, "key_dim"), (hidden_dim, "hidden_dim")):
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be a positive int, got {v!r}")
        self.W_q = nn.Linear(query_dim, hidden_dim, bias=False)
        self.W_k = nn.Linear(key_dim, hidden_dim, bias=False)
        self.w = nn.Linear(hidden_dim, 1, bias=False)

    def forward(self, query, key, value, key_padding_mask=None):
        _check_qkv(query, query, query), _check_qkv(key, key, value)
        if query.dim() != 3 or key.dim() != 3 or query.shape[0] != key.shape[0]:
            raise ValueError(f"query (N, L, Dq) and key (N, S, Dk) must be batched alike, got "
                             f"{tuple(query.shape)} and {tuple(key.shape)}")
        scores = self.w(torch.tanh(self.W_q(query)[:, :, None] + self.W_k(key)[:, None])).squeeze(-1)  # (N, L, S)
        if key_padding_mask is not None:
            if key_padding_mask.shape != key.shape[:2] or key_padding_mask.dtype != torch.bool:
                raise ValueError(f"key_padding_mask must be bool {tuple(key.shape[:2])}, got "
                                 f"{key_padding_mask.dtype} {tuple(key_padding_mask.shape)}")
            scores = scores.masked_fill(key_padding_mask[:, None], float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        return weights @ value, weights
