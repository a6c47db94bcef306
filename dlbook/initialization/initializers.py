"""Weight initialisation from scratch: gains, fans, Xavier/Glorot, He/Kaiming and orthogonal,
and a look at the activations of a deep network at initialisation.

Every scheme draws weights with zero mean and a variance chosen so that the
signal keeps its size through a layer: ``Var(y) = n · Var(w) · E[x²]`` for
``y = Σᵢ wᵢ xᵢ`` (chapter 5). The names and defaults follow ``torch.nn.init``,
so each function swaps with its twin there. Weights are those of ``nn.Linear``:
``weight: (out_features, in_features)``.
"""
from __future__ import annotations

import math
from typing import Callable

import torch
from torch import nn

LINEAR_NAMES = ("linear", "identity", "sigmoid")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor by which to multiply the standard deviation ``1/√fan`` for ``nonlinearity``.

    ``relu``: √2, because a ReLU keeps half of the second moment of a symmetric
    input, ``E[relu(z)²] = Var(z)/2``. ``leaky_relu`` with slope ``param`` (0.01 if
    None): ``√(2 / (1 + param²))``. ``tanh``: 5/3 and ``selu``: 3/4 (empirical
    choices, as in torch). ``linear``, ``identity`` and ``sigmoid``: 1.
    """
    if nonlinearity in LINEAR_NAMES:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "selu":
        return 3.0 / 4.0
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"leaky_relu's negative slope must be a number, got {param!r}")
        # E[leaky_relu(z)²] = (1 + slope²)/2 · Var(z) for a symmetric z
        return math.sqrt(2.0 / (1.0 + slope**2))
    raise ValueError(f"unknown nonlinearity {nonlinearity!r}; choose one of "
                     f"{sorted((*LINEAR_NAMES, 'tanh', 'relu', 'leaky_relu', 'selu'))}")


def fan_in_and_fan_out(weight: torch.Tensor) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a linear layer's ``weight: (out_features, in_features)``.

    ``fan_in`` is how many inputs each output sums over, ``fan_out`` how many
    outputs each input feeds: the terms of the forward and the backward sum.
    """
    if not isinstance(weight, torch.Tensor):
        raise TypeError(f"weight must be a tensor, got {type(weight).__name__}")
    if weight.ndim != 2:
        raise ValueError(f"fans are defined here for a 2-D weight (out_features, in_features), "
                         f"got shape {tuple(weight.shape)}")
    fan_out, fan_in = weight.shape
    if fan_in == 0 or fan_out == 0:
        raise ValueError(f"cannot compute the fans of an empty weight of shape {tuple(weight.shape)}")
    return fan_in, fan_out


def _check_gain(gain: float) -> float:
    if isinstance(gain, bool) or not isinstance(gain, (int, float)) or not math.isfinite(gain):
        raise ValueError(f"gain must be a finite number, got {gain!r}")
    if gain < 0:
        raise ValueError(f"gain must be non-negative (it scales a standard deviation), got {gain}")
    return float(gain)


def scaled_std(weight: torch.Tensor, gain: float = 1.0, mode: str = "fan_avg") -> float:
    """``gain / √fan``: the standard deviation that makes ``fan · Var(w) = gain²``.

    ``mode="fan_in"`` keeps the forward signal's variance (``fan_in·Var(w) = 1``),
    ``"fan_out"`` the backward gradient's (``fan_out·Var(w) = 1``), and
    ``"fan_avg"`` compromises with ``(fan_in + fan_out)/2``.
    """
    gain = _check_gain(gain)
    fan_in, fan_out = fan_in_and_fan_out(weight)
    fans = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}
    if mode not in fans:
        raise ValueError(f"mode must be one of {sorted(fans)}, got {mode!r}")
    return gain / math.sqrt(fans[mode])


def _fill(weight: torch.Tensor, std: float, distribution: str, generator: torch.Generator | None) -> torch.Tensor:
    with torch.no_grad():
        if distribution == "normal":
            return weight.normal_(0.0, std, generator=generator)
        bound = math.sqrt(3.0) * std  # U(-a, a) has variance a²/3
        return weight.uniform_(-bound, bound, generator=generator)


def xavier_uniform_(weight: torch.Tensor, gain: float = 1.0, mode: str = "fan_avg",
                    generator: torch.Generator | None = None) -> torch.Tensor:
    """Glorot & Bengio (2010): ``w ~ U(-a, a)``, ``a = gain·√(3/fan)``; with ``fan_avg``, ``a = gain·√(6/(fan_in+fan_out))``.

    ``weight: (out_features, in_features)``, filled in place and returned.
    """
    return _fill(weight, scaled_std(weight, gain, mode), "uniform", generator)


def xavier_normal_(weight: torch.Tensor, gain: float = 1.0, mode: str = "fan_avg",
                   generator: torch.Generator | None = None) -> torch.Tensor:
    """Glorot & Bengio (2010): ``w ~ N(0, gain²/fan)``; with ``fan_avg``, ``Var(w) = gain²·2/(fan_in+fan_out)``.

    ``weight: (out_features, in_features)``, filled in place and returned.
    """
    return _fill(weight, scaled_std(weight, gain, mode), "normal", generator)


def _kaiming_std(weight, a, mode, nonlinearity) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    return scaled_std(weight, calculate_gain(nonlinearity, a), mode)


def kaiming_uniform_(weight: torch.Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator: torch.Generator | None = None) -> torch.Tensor:
    """He et al. (2015): ``w ~ U(-b, b)``, ``b = gain·√(3/fan)``; for ReLU (``a=0``) ``Var(w) = 2/fan``.

    ``a`` is the leaky ReLU's negative slope (used when ``nonlinearity="leaky_relu"``).
    ``weight: (out_features, in_features)``, filled in place and returned.
    """
    return _fill(weight, _kaiming_std(weight, a, mode, nonlinearity), "uniform", generator)


def kaiming_normal_(weight: torch.Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator: torch.Generator | None = None) -> torch.Tensor:
    """He et al. (2015): ``w ~ N(0, gain²/fan)``; for ReLU (``a=0``) ``Var(w) = 2/fan``.

    ``weight: (out_features, in_features)``, filled in place and returned.
    """
    return _fill(weight, _kaiming_std(weight, a, mode, nonlinearity), "normal", generator)


def random_orthogonal(rows: int, cols: int, *, generator: torch.Generator | None = None,
                      sign_correction: bool = True, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """A random ``(rows, cols)`` matrix with orthonormal rows (``rows ≤ cols``) or columns (``rows ≥ cols``).

    QR-factorise a Gaussian matrix ``A = QR`` and keep ``Q``. QR is unique only
    up to the signs of ``R``'s diagonal, and LAPACK's choice of signs depends on
    ``A``; multiplying each column of ``Q`` by the sign of ``R``'s diagonal entry
    makes the result uniformly (Haar) distributed. ``sign_correction=False``
    skips that step, to show what goes wrong without it.
    """
    if isinstance(rows, bool) or isinstance(cols, bool) or not isinstance(rows, int) or not isinstance(cols, int) \
            or rows < 1 or cols < 1:
        raise ValueError(f"rows and cols must be positive ints, got ({rows!r}, {cols!r})")
    a = torch.randn(rows, cols, generator=generator, dtype=dtype)
    if rows < cols:
        a = a.T  # QR needs at least as many rows as columns: factor the transpose of a wide matrix
    q, r = torch.linalg.qr(a)  # a = q r, q: (max, min) with orthonormal columns, r upper triangular
    if sign_correction:
        signs = torch.sign(torch.diagonal(r))
        q = q * torch.where(signs == 0, torch.ones_like(signs), signs)  # column j times sign(r_jj)
    return q if rows >= cols else q.T


def orthogonal_(weight: torch.Tensor, gain: float = 1.0, generator: torch.Generator | None = None) -> torch.Tensor:
    """Saxe et al. (2014): ``weight`` becomes ``gain`` times a random (semi-)orthogonal matrix.

    ``weight: (out_features, in_features)``; every singular value equals ``gain``.
    Filled in place and returned.
    """
    gain = _check_gain(gain)
    fan_in_and_fan_out(weight)  # validates the shape
    q = random_orthogonal(*weight.shape, generator=generator, dtype=weight.dtype)
    with torch.no_grad():
        return weight.copy_(gain * q)


def init_linear_(model: nn.Module, init: Callable[[torch.Tensor], torch.Tensor], bias: float = 0.0) -> nn.Module:
    """Apply ``init(weight)`` to the weight of every ``nn.Linear`` in ``model`` and set every bias to ``bias``."""
    if not callable(init):
        raise TypeError(f"init must be a function of a weight tensor, got {type(init).__name__}")
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError("model has no nn.Linear layer to initialise")
    with torch.no_grad():
        for layer in linears:
            init(layer.weight)
            if layer.bias is not None:
                layer.bias.fill_(bias)
    return model


def sample_variance_rtol(n_samples: int, kurtosis: float = 3.0, z: float = 5.0) -> float:
    """How far a sample variance may stray from the true variance, relative to it, at ``z`` standard errors.

    For ``N`` independent draws with kurtosis ``κ = E[(x−μ)⁴]/σ⁴`` the sample
    variance ``s²`` has ``std(s²)/σ² ≈ √((κ − 1)/N)`` (κ = 3 for a Gaussian,
    9/5 for a uniform). At ``z = 5`` a correct sampler fails about once in
    1.7 million runs.
    """
    if not isinstance(n_samples, int) or n_samples < 2:
        raise ValueError(f"n_samples must be an int >= 2, got {n_samples!r}")
    if kurtosis < 1:
        raise ValueError(f"kurtosis is at least 1 for every distribution, got {kurtosis}")
    return z * math.sqrt((kurtosis - 1.0) / n_samples)
