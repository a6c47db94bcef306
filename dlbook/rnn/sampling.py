"""Language-model utilities that work for any model mapping token ids ``(B, T)`` to logits ``(B, T, V)``.

Teacher forcing (:func:`next_token_loss`), evaluation in bits per character
(:func:`bits_per_character`), the softmax with a temperature (:func:`softmax_with_temperature`)
and autoregressive sampling (:func:`sample_next_token`, :func:`generate`, and
:func:`generate_incrementally` for models that carry a state or a cache). Nothing here
knows whether the model is recurrent or a transformer.
"""
from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from ..data.text import next_token_windows
from ..train import model_device


def _check_logits(logits, rank: int, name: str = "logits") -> None:
    if not isinstance(logits, torch.Tensor):
        raise TypeError(f"{name} must be a tensor, got {type(logits).__name__}")
    if logits.dim() != rank:
        raise ValueError(f"{name} must have rank {rank}, got shape {tuple(logits.shape)}")
    if not logits.is_floating_point():
        raise TypeError(f"{name} must be floating point, got {logits.dtype}")


def _check_temperature(temperature, allow_zero: bool) -> float:
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
        raise TypeError(f"temperature must be a number, got {type(temperature).__name__}")
    if not (temperature >= 0 if allow_zero else temperature > 0) or math.isinf(temperature):
        raise ValueError(f"temperature must be {'≥ 0' if allow_zero else '> 0'} and finite, got {temperature}")
    return float(temperature)


def next_token_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy (nats) of ``logits: (B, T, V)`` against ``targets: (B, T)`` token ids → scalar.

    With ``targets`` the inputs shifted by one, this is teacher forcing: every position
    predicts the next token from the true prefix. A :func:`dlbook.fit` ``loss_fn``.
    """
    _check_logits(logits, 3)
    if targets.shape != logits.shape[:2]:
        raise ValueError(f"targets {tuple(targets.shape)} must match the logits' (B, T) = {tuple(logits.shape[:2])}")
    return F.cross_entropy(logits.flatten(0, 1).float(), targets.flatten())


def softmax_with_temperature(logits: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """``p_k = exp(z_k / τ) / Σ_j exp(z_j / τ)`` along the last axis: ``(..., V) → (..., V)``, ``τ > 0``.

    ``τ → 0`` tends to the one-hot of the argmax, ``τ → ∞`` to the uniform distribution.
    """
    temperature = _check_temperature(temperature, allow_zero=False)
    if not isinstance(logits, torch.Tensor) or not logits.is_floating_point():
        raise TypeError("logits must be a floating-point tensor")
    return torch.softmax(logits / temperature, dim=-1)


def sample_next_token(logits: torch.Tensor, temperature: float = 1.0, *,
                      generator: torch.Generator | None = None) -> torch.Tensor:
    """Draw one token per row from ``softmax(logits / τ)``: ``(B, V) → (B,)`` int64. ``τ = 0`` takes the argmax."""
    _check_logits(logits, 2)
    temperature = _check_temperature(temperature, allow_zero=True)
    if temperature == 0:
        return logits.argmax(dim=-1)
    probs = softmax_with_temperature(logits.float(), temperature)
    if generator is not None and generator.device != probs.device:
        probs = probs.to(generator.device)
    return torch.multinomial(probs, 1, generator=generator).squeeze(-1).to(logits.device)


def _check_prompt(prompt, max_new_tokens) -> tuple[torch.Tensor, bool]:
    if not isinstance(prompt, torch.Tensor) or prompt.is_floating_point() or prompt.dtype == torch.bool:
        raise TypeError("prompt must be an integer tensor of token ids")
    if prompt.dim() not in (1, 2) or prompt.shape[-1] == 0:
        raise ValueError(f"prompt must be (T,) or (B, T) with T ≥ 1, got shape {tuple(prompt.shape)}")
    if isinstance(max_new_tokens, bool) or not isinstance(max_new_tokens, int) or max_new_tokens < 0:
        raise ValueError(f"max_new_tokens must be a non-negative int, got {max_new_tokens!r}")
    return (prompt if prompt.dim() == 2 else prompt[None]), prompt.dim() == 1


@torch.no_grad()
def generate(model: nn.Module, prompt: torch.Tensor, max_new_tokens: int, *, temperature: float = 1.0,
             context_size: int | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
    """Extend ``prompt: (B, T₀)`` (or ``(T₀,)``) by ``max_new_tokens`` sampled tokens → ``(B, T₀ + n)``.

    Each step runs ``model`` on the sequence so far (its last ``context_size`` tokens, if
    given) and samples the next token from the last position's logits at ``temperature``.
    Any model mapping ``(B, T)`` ids to ``(B, T, V)`` logits works; recurrent models can do
    the same in one step per token by carrying their state (see ``CharLM.generate``).
    """
    ids, unbatched = _check_prompt(prompt, max_new_tokens)
    _check_temperature(temperature, allow_zero=True)
    if context_size is not None and (isinstance(context_size, bool) or not isinstance(context_size, int)
                                     or context_size < 1):
        raise ValueError(f"context_size must be a positive int, got {context_size!r}")
    was_training = model.training
    model.eval()
    ids = ids.to(model_device(model))
    try:
        for _ in range(max_new_tokens):
            context = ids if context_size is None else ids[:, -context_size:]
            logits = model(context)
            _check_logits(logits, 3, "the model's output")
            ids = torch.cat([ids, sample_next_token(logits[:, -1], temperature, generator=generator)[:, None]], dim=1)
    finally:
        model.train(was_training)
    return ids[0] if unbatched else ids


@torch.no_grad()
def generate_incrementally(model: nn.Module, step, prompt: torch.Tensor, max_new_tokens: int, *,
                           temperature: float = 1.0, generator: torch.Generator | None = None) -> torch.Tensor:
    """Extend ``prompt: (B, T₀)`` (or ``(T₀,)``) by ``max_new_tokens`` sampled tokens → ``(B, T₀ + n)``,
    reading the prompt once and then one new token per step.

    ``step(ids: (B, T), state) → (logits: (B, T, V), state)`` carries what the model keeps of the past:
    a recurrent model's hidden state, a transformer's key–value cache (``state=None`` at the start).
    ``model`` is put in eval mode meanwhile. Same tokens as :func:`generate`, which recomputes the prefix.
    """
    ids, unbatched = _check_prompt(prompt, max_new_tokens)
    _check_temperature(temperature, allow_zero=True)
    if not callable(step):
        raise TypeError(f"step must be callable, (ids, state) → (logits, state); got {type(step).__name__}")
    was_training = model.training
    model.eval()
    try:
        ids = ids.to(model_device(model))
        logits, state = step(ids, None)
        new = []
        for _ in range(max_new_tokens):
            token = sample_next_token(logits[:, -1], temperature, generator=generator)[:, None]
            new.append(token)
            logits, state = step(token, state)
    finally:
        model.train(was_training)
    out = torch.cat([ids, *new], dim=1)
    return out[0] if unbatched else out


@torch.no_grad()
def bits_per_character(model: nn.Module, ids: torch.Tensor, *, seq_len: int, batch_size: int = 64,
                       device: torch.device | str | None = None) -> float:
    """Mean ``−log₂ p(next token)`` of ``model`` on the stream ``ids: (L,)``, cut into windows of ``seq_len``.

    Each window is scored from an empty context (the model's state does not carry across
    windows), predicting tokens ``1 … seq_len`` of the window from their prefixes. The
    cross-entropy in nats divided by ``ln 2`` gives bits; for a character model, bits per character.
    """
    X, Y = next_token_windows(ids, seq_len)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    device = model_device(model, device)
    was_training = model.training
    model.eval()
    total = 0.0
    try:
        for start in range(0, len(X), batch_size):
            x, y = X[start:start + batch_size].to(device), Y[start:start + batch_size].to(device)
            logits = model(x)
            _check_logits(logits, 3, "the model's output")
            total += F.cross_entropy(logits.flatten(0, 1).float(), y.flatten(), reduction="sum").item()
    finally:
        model.train(was_training)
    return total / Y.numel() / math.log(2)
