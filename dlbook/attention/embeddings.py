"""Word embeddings: skip-gram with negative sampling (Mikolov et al. 2013) and its link to PMI (Levy & Goldberg 2014).

Every word ``w`` has an input vector ``v_w`` and an output (context) vector ``u_w``. For an observed
pair (centre ``c``, context ``o``) and ``K`` noise words ``n_k`` drawn from the unigram distribution
raised to ``3/4``, the loss is ``ℓ = −log σ(u_o·v_c) − Σ_k log σ(−u_{n_k}·v_c)``. At its optimum,
``u_o·v_c = PMI(c, o) − log K``: the model factorises a shifted PMI matrix.
"""
from __future__ import annotations

import math
import re
from collections import Counter

import torch
from torch import nn
from torch.nn import functional as F

from ..history import History
from .multihead import _positive_int


def word_tokens(text: str) -> list[str]:
    """Lower-cased alphabetic words of ``text``, in order (``"Don't stop"`` → ``["don", "t", "stop"]``)."""
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return re.findall(r"[a-z]+", text.lower())


def word_vocabulary(tokens: list[str], min_count: int = 5) -> tuple[list[str], torch.Tensor, torch.Tensor]:
    """Words seen at least ``min_count`` times, most frequent first → ``(words, counts (V,), ids (L',))``.

    ``ids`` is the token stream with the rarer words dropped.
    """
    _positive_int(min_count, "min_count")
    counts = Counter(tokens)
    words = [w for w, c in sorted(counts.items(), key=lambda wc: (-wc[1], wc[0])) if c >= min_count]
    if not words:
        raise ValueError(f"no word occurs {min_count} times or more")
    index = {w: i for i, w in enumerate(words)}
    ids = torch.tensor([index[t] for t in tokens if t in index], dtype=torch.int64)
    return words, torch.tensor([counts[w] for w in words], dtype=torch.int64), ids


def skipgram_pairs(ids: torch.Tensor, window: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Every (centre, context) pair at distance ``1 … window`` in the stream ``ids: (L,)`` → two ``(P,)`` tensors."""
    if not isinstance(ids, torch.Tensor) or ids.dim() != 1:
        raise ValueError("ids must be a 1-D tensor of word ids")
    _positive_int(window, "window")
    centres, contexts = [], []
    for offset in range(1, window + 1):
        centres += [ids[:-offset], ids[offset:]]
        contexts += [ids[offset:], ids[:-offset]]
    return torch.cat(centres), torch.cat(contexts)


def cbow_windows(ids: torch.Tensor, window: int) -> tuple[torch.Tensor, torch.Tensor]:
    """For every position with ``window`` words on each side of the stream ``ids: (L,)`` →
    ``(contexts (P, 2·window), centres (P,))``, ``P = L − 2·window``."""
    if not isinstance(ids, torch.Tensor) or ids.dim() != 1:
        raise ValueError("ids must be a 1-D tensor of word ids")
    _positive_int(window, "window")
    if len(ids) <= 2 * window:
        raise ValueError(f"a stream of {len(ids)} words is too short for a window of {window} on each side")
    offsets = torch.cat([torch.arange(-window, 0), torch.arange(1, window + 1)])
    positions = torch.arange(window, len(ids) - window)
    return ids[positions[:, None] + offsets], ids[positions]


def negative_sampling_loss(center: torch.Tensor, context: torch.Tensor, negatives: torch.Tensor) -> torch.Tensor:
    """``−log σ(u_o·v_c) − Σ_k log σ(−u_k·v_c)``, averaged over the batch.

    center ``v_c: (N, D)``, context ``u_o: (N, D)``, negatives ``u_k: (N, K, D)`` → scalar.
    """
    if center.dim() != 2 or context.shape != center.shape or negatives.dim() != 3 \
            or negatives.shape[0] != center.shape[0] or negatives.shape[2] != center.shape[1]:
        raise ValueError(f"expected center (N, D), context (N, D), negatives (N, K, D); got {tuple(center.shape)}, "
                         f"{tuple(context.shape)}, {tuple(negatives.shape)}")
    positive = F.logsigmoid((context * center).sum(-1))                             # log σ(u_o·v_c): (N,)
    negative = F.logsigmoid(-(negatives @ center[:, :, None]).squeeze(-1)).sum(-1)  # Σ_k log σ(−u_k·v_c)
    return -(positive + negative).mean()


def negative_sampling_grad(center: torch.Tensor, context: torch.Tensor, negatives: torch.Tensor):
    """The closed-form gradients of one pair's loss (batch size 1 for the mean):
    ``∂ℓ/∂v_c = (σ(u_o·v_c) − 1) u_o + Σ_k σ(u_k·v_c) u_k``, ``∂ℓ/∂u_o = (σ(u_o·v_c) − 1) v_c``,
    ``∂ℓ/∂u_k = σ(u_k·v_c) v_c`` → ``(N, D), (N, D), (N, K, D)``, each divided by ``N`` as the mean is.
    """
    N = center.shape[0]
    s_pos = torch.sigmoid((context * center).sum(-1, keepdim=True))           # (N, 1)
    s_neg = torch.sigmoid(negatives @ center[:, :, None])                       # (N, K, 1)
    grad_center = (s_pos - 1) * context + (s_neg * negatives).sum(1)
    return grad_center / N, (s_pos - 1) * center / N, s_neg * center[:, None, :] / N


class SkipGram(nn.Module):
    """Input vectors ``v = in_embed.weight (V, D)`` and output vectors ``u = out_embed.weight (V, D)``.

    ``forward(center (N,), context (N,), negatives (N, K))`` ids → the negative-sampling loss.
    """

    def __init__(self, vocab_size: int, embedding_dim: int):
        super().__init__()
        _positive_int(vocab_size, "vocab_size"), _positive_int(embedding_dim, "embedding_dim")
        self.in_embed = nn.Embedding(vocab_size, embedding_dim)
        self.out_embed = nn.Embedding(vocab_size, embedding_dim)
        nn.init.uniform_(self.in_embed.weight, -0.5 / embedding_dim, 0.5 / embedding_dim)
        nn.init.zeros_(self.out_embed.weight)

    def forward(self, center, context, negatives):
        return negative_sampling_loss(self.in_embed(center), self.out_embed(context), self.out_embed(negatives))


class CBOW(SkipGram):
    """Continuous bag of words: the mean of the context words' input vectors ``v̄`` stands in for ``v_c``.

    ``forward(context (N, 2w), center (N,), negatives (N, K))`` ids → ``−log σ(u_c·v̄) − Σ_k log σ(−u_k·v̄)``.
    """

    def forward(self, context, center, negatives):
        return negative_sampling_loss(self.in_embed(context).mean(1), self.out_embed(center), self.out_embed(negatives))


def train_word2vec(model: SkipGram, inputs: torch.Tensor, targets: torch.Tensor, counts: torch.Tensor, *,
                   negatives: int = 5, epochs: int = 1, batch_size: int = 512, lr: float = 0.01, seed: int = 0,
                   device: torch.device | str | None = None) -> History:
    """Train a :class:`~dlbook.attention.SkipGram` on ``(centres (P,), contexts (P,))`` or a :class:`~dlbook.attention.CBOW` on ``(contexts (P, 2w),
    centres (P,))``, with ``negatives`` noise words per example drawn from ``counts^{3/4}`` (``counts: (V,)``);
    Adam. Returns the mean loss per epoch (Ctrl-C keeps it so far)."""
    from ..train import model_device

    if targets.dim() != 1 or inputs.dim() not in (1, 2) or len(inputs) != len(targets):
        raise ValueError(f"inputs (P,) or (P, 2w) and targets (P,) must have the same length P, got "
                         f"{tuple(inputs.shape)} and {tuple(targets.shape)}")
    if counts.shape != (model.in_embed.num_embeddings,):
        raise ValueError(f"counts must be (V,) = ({model.in_embed.num_embeddings},), got {tuple(counts.shape)}")
    _positive_int(negatives, "negatives"), _positive_int(epochs, "epochs"), _positive_int(batch_size, "batch_size")
    device = model_device(model.to(model_device(model, device)))
    noise = counts.double().pow(0.75)
    gen = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = History()
    try:
        for epoch in range(1, epochs + 1):
            order, total = torch.randperm(len(targets), generator=gen), 0.0
            for start in range(0, len(order), batch_size):
                batch = order[start:start + batch_size]
                noise_ids = torch.multinomial(noise, len(batch) * negatives, replacement=True, generator=gen)
                loss = model(inputs[batch].to(device), targets[batch].to(device),
                             noise_ids.view(len(batch), negatives).to(device))
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                total += loss.item() * len(batch)
            if not math.isfinite(total):
                raise FloatingPointError(f"word2vec loss became {total} in epoch {epoch}")
            history.append(epoch, {"loss": total / len(order)})
    except KeyboardInterrupt:
        history.interrupted = True
    return history


def shifted_pmi(centers: torch.Tensor, contexts: torch.Tensor, vocab_size: int, negatives: int = 1):
    """``PMI(w, c) − log K`` from pair counts, ``log(#(w,c)·P / (#(w)·#(c))) − log K`` → ``(pmi (V, V), pair counts (V, V))``.

    Pairs never seen get ``−inf``.
    """
    _positive_int(vocab_size, "vocab_size"), _positive_int(negatives, "negatives")
    joint = torch.zeros(vocab_size * vocab_size, dtype=torch.float64)
    joint.index_add_(0, centers * vocab_size + contexts, torch.ones(len(centers), dtype=torch.float64))
    joint = joint.view(vocab_size, vocab_size)
    total = joint.sum()
    pmi = (joint * total / (joint.sum(1, keepdim=True) * joint.sum(0, keepdim=True))).log() - math.log(negatives)
    return pmi, joint


def nearest_neighbours(vectors: torch.Tensor, word_ids: torch.Tensor, k: int = 5) -> torch.Tensor:
    """The ``k`` words of highest cosine similarity to each of ``word_ids: (M,)`` (themselves excluded) → ``(M, k)``."""
    _positive_int(k, "k")
    if vectors.dim() != 2 or k >= vectors.shape[0]:
        raise ValueError(f"vectors must be (V, D) with V > k, got {tuple(vectors.shape)} and k={k}")
    unit = F.normalize(vectors.detach().float(), dim=1)
    similarity = unit[word_ids] @ unit.T
    similarity[torch.arange(len(word_ids)), word_ids] = -2.0
    return similarity.topk(k, dim=1).indices
