"""Looking inside a trained CNN: feature maps, saliency maps and activation maximisation."""
from __future__ import annotations

import torch
from torch import nn

from ..probe import recording


def feature_maps(model: nn.Module, layer: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """What ``layer`` outputs when ``model`` sees ``x: (N, C, H, W)``: ``(N, C_layer, H', W')``."""
    with recording([layer]) as captured, torch.no_grad():
        model(x)
    if not captured:
        raise ValueError("layer did not run: is it part of model?")
    return captured[0]


def saliency(model: nn.Module, x: torch.Tensor, target: torch.Tensor | None = None) -> torch.Tensor:
    """``|∂ score_target / ∂x|``, summed over channels: ``(N, C, H, W)`` → ``(N, H, W)``.

    ``target: (N,)`` classes; by default each input's predicted class (Simonyan et al. 2014).
    """
    x = x.detach().clone().requires_grad_(True)
    scores = model(x)
    if target is None:
        target = scores.argmax(1)
    if target.shape != (len(x),):
        raise ValueError(f"target must have shape ({len(x)},), got {tuple(target.shape)}")
    (grad,) = torch.autograd.grad(scores.gather(1, target.view(-1, 1)).sum(), x)
    return grad.abs().sum(1)


def activation_maximization(model: nn.Module, layer: nn.Module, channel: int, shape: tuple[int, ...], *,
                            steps: int = 100, lr: float = 0.1, weight_decay: float = 1e-3, seed: int = 0):
    """An input ``shape = (C, H, W)`` that excites ``channel`` of ``layer`` most (mean activation).

    Gradient ascent from small noise, with an L2 penalty and values clamped to [0, 1] (an image).
    Returns ``(image (C, H, W), activation per step (steps,))``.
    """
    gen = torch.Generator().manual_seed(seed)
    x = (0.5 + 0.01 * torch.randn(1, *shape, generator=gen)).requires_grad_(True)
    optimizer = torch.optim.Adam([x], lr=lr)
    captured = []
    handle = layer.register_forward_hook(lambda m, i, out: captured.append(out))
    history = []
    was_training = model.training
    model.eval()
    try:
        for _ in range(steps):
            captured.clear()
            model(x)
            if not 0 <= channel < captured[0].shape[1]:
                raise ValueError(f"channel must be in [0, {captured[0].shape[1]}), got {channel}")
            activation = captured[0][0, channel].mean()
            optimizer.zero_grad()
            (-activation + weight_decay * x.pow(2).sum()).backward()
            optimizer.step()
            with torch.no_grad():
                x.clamp_(0, 1)
            history.append(float(activation.detach()))
    finally:
        handle.remove()
        model.train(was_training)
    return x.detach()[0], torch.tensor(history)
