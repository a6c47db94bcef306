"""Keeping a critic in check: the WGAN-GP gradient penalty, the R1 penalty and weight clipping."""
from __future__ import annotations

import torch
from torch import nn


def _input_gradients(critic: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """``∇_x critic(x)`` per sample, kept in the graph (``create_graph``) so a penalty on it trains the critic."""
    if not callable(critic):
        raise TypeError(f"the critic must be a module or function of a batch, got {type(critic).__name__}")
    x = x.detach().requires_grad_(True)
    scores = critic(x)
    if scores.shape not in ((len(x),), (len(x), 1)):
        raise ValueError(f"the critic must return one score per sample, (N,) or (N, 1); got {tuple(scores.shape)}")
    (grad,) = torch.autograd.grad(scores.sum(), x, create_graph=True)
    return grad.flatten(1)


def _check_batch(name: str, x) -> None:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a tensor, got {type(x).__name__}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating-point tensor, got {x.dtype}")
    if x.ndim < 2:
        raise ValueError(f"{name} must be a batch (N, ...) with at least 2 axes, got shape {tuple(x.shape)}")


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor, lam: float = 10.0,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    """WGAN-GP's penalty ``λ E[(‖∇_x̂ f(x̂)‖₂ − 1)²]`` on interpolates ``x̂ = ε x + (1 − ε) x̃``, ``ε ~ U(0, 1)``.

    ``real, fake: (N, ...)`` → scalar, the mean over the batch. Differentiable with respect to the
    critic's parameters (the input gradient is computed with ``create_graph=True``); ``fake`` is
    detached. ``generator`` seeds the draw of ``ε`` (one per sample).
    """
    _check_batch("real", real)
    _check_batch("fake", fake)
    if real.shape != fake.shape:
        raise ValueError(f"real {tuple(real.shape)} and fake {tuple(fake.shape)} must have the same shape")
    if not lam >= 0:
        raise ValueError(f"lam must be non-negative, got {lam}")
    shape = (len(real),) + (1,) * (real.ndim - 1)
    eps = torch.rand(shape, generator=generator, device=generator.device if generator else None,
                     dtype=real.dtype).to(real.device)
    interpolates = eps * real.detach() + (1 - eps) * fake.detach()
    grad = _input_gradients(critic, interpolates)
    # ‖g‖ written as sqrt(Σg² + tiny): finite derivative even where a ReLU critic is flat (g = 0)
    norm = (grad.pow(2).sum(dim=1) + 1e-12).sqrt()
    return lam * (norm - 1).pow(2).mean()


def r1_penalty(discriminator: nn.Module, real: torch.Tensor, gamma: float = 10.0) -> torch.Tensor:
    """Mescheder et al.'s R1 penalty ``(γ/2) E[‖∇_x D(x)‖²]`` on real data only: ``real: (N, ...)`` → scalar."""
    _check_batch("real", real)
    if not gamma >= 0:
        raise ValueError(f"gamma must be non-negative, got {gamma}")
    grad = _input_gradients(discriminator, real)
    return gamma / 2 * grad.pow(2).sum(dim=1).mean()


@torch.no_grad()
def clip_weights_(module: nn.Module, clip_value: float) -> nn.Module:
    """The original WGAN's Lipschitz constraint: clamp every parameter of ``module`` to ``[−c, c]`` in place."""
    if not clip_value > 0:
        raise ValueError(f"clip_value must be positive, got {clip_value}")
    for p in module.parameters():
        p.clamp_(-clip_value, clip_value)
    return module
