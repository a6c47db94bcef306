"""Argument checks shared by the chapter's functions, each raising an error that names the problem."""
from __future__ import annotations

import torch
from torch import nn


def check_model(model) -> None:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not any(p.requires_grad for p in model.parameters()):
        raise ValueError(f"{type(model).__name__} has no trainable parameter, so it has no tangent kernel")


def check_inputs(name: str, x, features: tuple | None = None) -> torch.Tensor:
    """``x`` must be a floating tensor ``(N, ...)`` with at least one row (and the given trailing shape)."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a tensor, got {type(x).__name__}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got {x.dtype}")
    if x.ndim < 2:
        raise ValueError(f"{name} must have shape (N, features...), got {tuple(x.shape)}")
    if len(x) == 0:
        raise ValueError(f"{name} holds no example (shape {tuple(x.shape)})")
    if features is not None and tuple(x.shape[1:]) != tuple(features):
        raise ValueError(f"{name} has examples of shape {tuple(x.shape[1:])}, expected {tuple(features)}")
    return x


def check_positive_int(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def check_nonnegative(name: str, value, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not (value > 0 if positive else value >= 0) or value != value or value == float("inf"):
        raise ValueError(f"{name} must be {'positive' if positive else 'non-negative'} and finite, got {value}")
    return float(value)


def check_choice(name: str, value, choices: tuple) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return value
