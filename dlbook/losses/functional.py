"""Loss functions from scratch, each the negative log-likelihood of a noise model (or a
margin).

Every function takes the network's raw outputs first (``input``), then the
targets, and a ``reduction`` of ``"mean"``, ``"sum"`` or ``"none"``, as in
``torch.nn.functional``. Shapes are checked rather than silently broadcast.
"""
from __future__ import annotations

import math

import torch

REDUCTIONS = ("mean", "sum", "none")


def reduce_loss(loss: torch.Tensor, reduction: str) -> torch.Tensor:
    """Per-sample ``loss`` → its mean or sum (a scalar), or itself for ``"none"``, as
    ``torch.nn.functional`` does."""
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def _check_float(x, name: str) -> None:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got {x.dtype}")


def _check_pair(input, target, name: str) -> None:
    """Regression losses compare elementwise: same shape, no broadcasting."""
    _check_float(input, "input")
    _check_float(target, "target")
    if input.shape != target.shape:
        raise ValueError(f"{name}: input {tuple(input.shape)} and target "
                         f"{tuple(target.shape)} "
                         "must have the same shape (reshape one of them; nothing is "
                         "broadcast)")


def logsumexp(x: torch.Tensor, dim: int = -1, keepdim: bool = False) -> torch.Tensor:
    """``log Σ_k exp(x_k)`` along ``dim``, computed as ``m + log Σ_k exp(x_k − m)`` with
    ``m = max_k x_k``.

    Every exponent is ≤ 0, so nothing overflows, and the largest term is exp(0) = 1,
    so the sum cannot underflow to 0. ``x: (..., K, ...) -> (...)``.
    """
    _check_float(x, "x")
    # the shift cancels, so it needs no gradient
    m = x.amax(dim=dim, keepdim=True).detach()
    # all −inf (or +inf): shift by 0
    m = torch.where(torch.isfinite(m), m, torch.zeros_like(m))
    out = m + torch.log(torch.exp(x - m).sum(dim=dim, keepdim=True))
    return out if keepdim else out.squeeze(dim)


def log_softmax(x: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """``log softmax(x)_k = x_k − log Σ_j exp(x_j)``, stable for any finite logits. Same
    shape as ``x``."""
    return x - logsumexp(x, dim=dim, keepdim=True)


def softplus(x: torch.Tensor) -> torch.Tensor:
    """``log(1 + eˣ)`` without overflow; its derivative is ``σ(x)`` everywhere, ``x = 0``
    included.

    For x > 0 it is evaluated as ``x + log(1 + e⁻ˣ)``, otherwise as ``log(1 + eˣ)``; each
    branch only ever sees arguments for which it is safe (clamped), so no branch makes
    inf or NaN.
    """
    _check_float(x, "x")
    positive = x + torch.log1p(torch.exp(-x.clamp(min=0)))
    negative = torch.log1p(torch.exp(x.clamp(max=0)))
    return torch.where(x > 0, positive, negative)


def cross_entropy(input: torch.Tensor, target: torch.Tensor, *, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> torch.Tensor:
    """Softmax cross-entropy ``−Σ_k t_k log softmax(z)_k`` from logits, like
    ``F.cross_entropy``.

    ``input: (N, C)`` logits (or ``(C,)`` for one sample). ``target`` is either
    class indices ``(N,)`` of an integer dtype in ``[0, C)``, or class probabilities
    ``(N, C)`` in ``[0, 1]``. ``label_smoothing = ε`` mixes the target with the uniform
    distribution: ``t' = (1 − ε) t + ε / C``. Returns ``(N,)`` for ``"none"``, else a
    scalar.
    """
    _check_float(input, "input")
    if not isinstance(target, torch.Tensor):
        raise TypeError(f"target must be a torch.Tensor, got {type(target).__name__}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must lie in [0, 1], got {label_smoothing}")
    if input.ndim == 1:  # one unbatched sample
        loss = cross_entropy(input[None], target[None], reduction="none",
                             label_smoothing=label_smoothing)
        return reduce_loss(loss[0], reduction)
    if input.ndim != 2 or input.shape[1] == 0:
        raise ValueError(f"input must be (N, C) logits with C ≥ 1, got shape "
                         f"{tuple(input.shape)}")
    n, c = input.shape
    log_probs = log_softmax(input, dim=1)                       # (N, C)
    if target.is_floating_point():
        if target.shape != input.shape:
            raise ValueError(f"probability targets must have the input's shape {(n, c)}, "
                             f"got {tuple(target.shape)}; class-index targets must be "
                             "an integer tensor of shape (N,)")
        if ((target < 0) | (target > 1)).any() or not torch.isfinite(target).all():
            raise ValueError("probability targets must lie in [0, 1]")
        probs = target
    else:
        if target.dtype == torch.bool or target.is_complex():
            raise TypeError(f"class-index targets must be an integer tensor, got "
                            f"{target.dtype}")
        if target.shape != (n,):
            raise ValueError(f"class-index targets must have shape (N,) = ({n},), got "
                             f"{tuple(target.shape)}")
        if n and (target.min() < 0 or target.max() >= c):
            raise ValueError(f"target classes must lie in [0, {c}) for {c} logits per "
                             f"sample, got values from {int(target.min())} to "
                             f"{int(target.max())}")
        # one-hot
        probs = torch.zeros_like(log_probs).scatter_(1, target.long()[:, None], 1.0)
    if label_smoothing:
        probs = (1 - label_smoothing) * probs + label_smoothing / c
    loss = -(probs * log_probs).sum(dim=1)                     # (N,)
    return reduce_loss(loss, reduction)


def binary_cross_entropy_with_logits(input: torch.Tensor, target: torch.Tensor, *,
                                     reduction: str = "mean") -> torch.Tensor:
    """Bernoulli negative log-likelihood of ``t`` under ``y = σ(z)``, from the logit
    ``z``.

    ``−t log σ(z) − (1 − t) log(1 − σ(z)) = (1 − t) z + softplus(−z)``, which never
    takes the log of 0. ``input`` and ``target`` (in ``[0, 1]``) have the same shape.
    """
    _check_pair(input, target, "binary_cross_entropy_with_logits")
    if ((target < 0) | (target > 1)).any():
        raise ValueError("binary cross-entropy targets must lie in [0, 1]")
    loss = (1 - target) * input + softplus(-input)
    return reduce_loss(loss, reduction)


def gaussian_nll(input: torch.Tensor, target: torch.Tensor, var, *, full: bool = False,
                 reduction: str = "mean") -> torch.Tensor:
    """Negative log-likelihood of ``target`` under ``N(input, var)``, elementwise.

    ``½ (log var + (input − target)² / var)``, plus ``½ log 2π`` when ``full``.
    ``var`` is a positive number or a tensor of the input's shape (1/var is the precision
    β).
    """
    _check_pair(input, target, "gaussian_nll")
    var = torch.as_tensor(var, dtype=input.dtype, device=input.device)
    if var.ndim and var.shape != input.shape:
        raise ValueError(f"var must be a number or have the input's shape "
                         f"{tuple(input.shape)}, got {tuple(var.shape)}")
    if (var <= 0).any():
        raise ValueError("var must be positive (it is a variance, 1/β)")
    loss = 0.5 * (torch.log(var) + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce_loss(loss, reduction)


def mse(input: torch.Tensor, target: torch.Tensor, *,
        reduction: str = "mean") -> torch.Tensor:
    """Squared error ``(y − t)²`` (Gaussian noise), like ``F.mse_loss``. Same-shape
    tensors."""
    _check_pair(input, target, "mse")
    return reduce_loss((input - target) ** 2, reduction)


def mae(input: torch.Tensor, target: torch.Tensor, *,
        reduction: str = "mean") -> torch.Tensor:
    """Absolute error ``|y − t|`` (Laplace noise), like ``F.l1_loss``. Same-shape
    tensors."""
    _check_pair(input, target, "mae")
    return reduce_loss((input - target).abs(), reduction)


def huber(input: torch.Tensor, target: torch.Tensor, *, delta: float = 1.0,
          reduction: str = "mean") -> torch.Tensor:
    """Huber loss, like ``F.huber_loss``: ``½ r²`` for ``|r| < δ``, ``δ (|r| − ½ δ)``
    beyond, with ``r = y − t``.

    Quadratic near zero, linear in the tails; value and slope are continuous at ``|r| =
    δ``.
    """
    _check_pair(input, target, "huber")
    if not delta > 0:
        raise ValueError(f"delta must be positive, got {delta}")
    r = (input - target).abs()
    loss = torch.where(r < delta, 0.5 * r ** 2, delta * (r - 0.5 * delta))
    return reduce_loss(loss, reduction)


def hinge(input: torch.Tensor, target: torch.Tensor, *, margin: float = 1.0,
          reduction: str = "mean") -> torch.Tensor:
    """Binary hinge loss ``max(0, margin − t·y)`` for scores ``y`` and labels ``t ∈ {−1,
    +1}`` (same shape).

    Its twin in torch is ``2 · F.multi_margin_loss`` on the two scores ``(0, y)``.
    """
    _check_pair(input, target, "hinge")
    if not ((target == 1) | (target == -1)).all():
        raise ValueError("hinge targets must be −1 or +1 (map 0/1 labels with 2·t − 1)")
    return reduce_loss(torch.relu(margin - target * input), reduction)


def multiclass_hinge(input: torch.Tensor, target: torch.Tensor, *, margin: float = 1.0,
                     p: int = 1,
                     reduction: str = "mean") -> torch.Tensor:
    """Multiclass hinge loss, like ``F.multi_margin_loss``: ``(1/C) Σ_{k≠t} max(0, margin
    − z_t + z_k)^p``.

    ``input: (N, C)`` scores, ``target: (N,)`` class indices in ``[0, C)``; ``p`` is 1 or
    2.
    """
    _check_float(input, "input")
    if input.ndim != 2:
        raise ValueError(f"input must be (N, C) scores, got shape {tuple(input.shape)}")
    n, c = input.shape
    if (not isinstance(target, torch.Tensor) or target.is_floating_point()
            or target.dtype == torch.bool):
        raise TypeError("target must be an integer tensor of class indices")
    if target.shape != (n,):
        raise ValueError(f"target must have shape (N,) = ({n},), got "
                         f"{tuple(target.shape)}")
    if n and (target.min() < 0 or target.max() >= c):
        raise ValueError(f"target classes must lie in [0, {c}), got values from "
                         f"{int(target.min())} to {int(target.max())}")
    if p not in (1, 2):
        raise ValueError(f"p must be 1 or 2, got {p}")
    correct = input.gather(1, target.long()[:, None])               # (N, 1): z_t
    violations = torch.relu(margin - correct + input) ** p           # (N, C)
    others = torch.ones_like(input).scatter_(1, target.long()[:, None], 0.0)  # drop k = t
    loss = (violations * others).sum(dim=1) / c
    return reduce_loss(loss, reduction)
