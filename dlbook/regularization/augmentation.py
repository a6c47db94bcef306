"""Data augmentation: teaching a network an invariance by showing it transformed copies.

Images are ``(..., H, W)`` tensors (``(N, H, W)`` or ``(N, C, H, W)``); every random
transform takes an explicit ``generator``, so an augmented data set is reproducible. Rotations of
2-D points (and their tangent) serve the tangent-propagation demo on rings
(:mod:`dlbook.regularization.tangent_prop`).
"""
from __future__ import annotations

import math
from typing import Callable

import torch
from torch.nn import functional as F


def _check_images(images: torch.Tensor) -> None:
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"images must be a tensor, got {type(images).__name__}")
    if images.ndim < 3:
        raise ValueError(f"images must have shape (N, H, W) or (N, C, H, W), got {tuple(images.shape)}")


def translate(images: torch.Tensor, dx: int, dy: int = 0) -> torch.Tensor:
    """Move every image ``dx`` pixels right and ``dy`` pixels down; pixels that enter are 0.

    ``out[..., i, j] = images[..., i − dy, j − dx]``. ``(..., H, W) → (..., H, W)``.
    """
    _check_images(images)
    H, W = images.shape[-2:]
    if abs(dx) >= W or abs(dy) >= H:
        raise ValueError(f"a shift of ({dx}, {dy}) moves a {H}×{W} image out of its frame")
    out = torch.zeros_like(images)
    out[..., max(dy, 0): H + min(dy, 0), max(dx, 0): W + min(dx, 0)] = \
        images[..., max(-dy, 0): H - max(dy, 0), max(-dx, 0): W - max(dx, 0)]
    return out


def random_shift(images: torch.Tensor, max_shift: int = 1, *, generator: torch.Generator | None = None) -> torch.Tensor:
    """Shift each image by its own integer ``(dx, dy)``, each uniform in ``[−max_shift, max_shift]``."""
    _check_images(images)
    if not isinstance(max_shift, int) or max_shift < 0:
        raise ValueError(f"max_shift must be a non-negative int, got {max_shift!r}")
    offsets = torch.randint(-max_shift, max_shift + 1, (len(images), 2), generator=generator)
    out = torch.empty_like(images)
    for dx, dy in torch.unique(offsets, dim=0).tolist():
        chosen = ((offsets[:, 0] == dx) & (offsets[:, 1] == dy)).to(images.device)
        out[chosen] = translate(images[chosen], dx, dy)
    return out


def random_flip(images: torch.Tensor, p: float = 0.5, *, generator: torch.Generator | None = None) -> torch.Tensor:
    """Mirror each image left–right with probability ``p``."""
    _check_images(images)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"the flip probability p must lie in [0, 1], got {p}")
    flip = (torch.rand(len(images), generator=generator) < p).to(images.device)
    return torch.where(flip.reshape(-1, *[1] * (images.ndim - 1)), images.flip(-1), images)


def gaussian_noise(images: torch.Tensor, std: float = 0.1, *, generator: torch.Generator | None = None) -> torch.Tensor:
    """Add independent ``N(0, std²)`` noise to every pixel."""
    _check_images(images)
    if not std >= 0:
        raise ValueError(f"std must be non-negative, got {std}")
    return images + std * torch.randn(images.shape, generator=generator).to(images)


def random_affine(images: torch.Tensor, degrees: float = 10.0, translate: float = 0.5, scale: float = 0.1, *,
                  generator: torch.Generator | None = None) -> torch.Tensor:
    """Rotate by up to ``±degrees``, shift by up to ``±translate`` pixels (sub-pixel) and zoom by a factor
    in ``[1 − scale, 1 + scale]``, each drawn per image; bilinear resampling, zeros outside.

    ``(N, H, W)`` or ``(N, C, H, W)`` → same shape.
    """
    _check_images(images)
    if min(degrees, translate, scale) < 0 or scale >= 1:
        raise ValueError(f"need degrees, translate >= 0 and 0 <= scale < 1, got {degrees}, {translate}, {scale}")
    x = images if images.ndim == 4 else images.unsqueeze(1)
    n, _, H, W = x.shape
    u = 2 * torch.rand(n, 4, generator=generator) - 1            # four uniforms in [-1, 1] per image
    angle, zoom = u[:, 0] * math.radians(degrees), 1 + u[:, 1] * scale
    theta = torch.zeros(n, 2, 3)                                # maps output coordinates to input ones
    theta[:, 0, 0], theta[:, 0, 1] = torch.cos(angle) / zoom, -torch.sin(angle) / zoom
    theta[:, 1, 0], theta[:, 1, 1] = torch.sin(angle) / zoom, torch.cos(angle) / zoom
    theta[:, 0, 2], theta[:, 1, 2] = u[:, 2] * translate * 2 / W, u[:, 3] * translate * 2 / H  # pixels → [-1, 1]
    grid = F.affine_grid(theta.to(x), list(x.shape), align_corners=False)
    out = F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return out if images.ndim == 4 else out.squeeze(1)


def augmented_copies(images: torch.Tensor, targets: torch.Tensor, copies: int,
                     transform: Callable[[torch.Tensor], torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """The originals followed by ``copies`` transformed versions: ``(N, ...) → ((copies + 1)·N, ...)``."""
    _check_images(images)
    if len(images) != len(targets):
        raise ValueError(f"images and targets differ in length: {len(images)} vs {len(targets)}")
    if not isinstance(copies, int) or copies < 0:
        raise ValueError(f"copies must be a non-negative int, got {copies!r}")
    X = torch.cat([images] + [transform(images) for _ in range(copies)])
    return X, targets.repeat(copies + 1, *[1] * (targets.ndim - 1))


# ------------------------------------------------------------------ rotations of points in the plane

def rotate_points(points: torch.Tensor, angles) -> torch.Tensor:
    """Rotate each point about the origin by its own angle (radians), counter-clockwise.

    ``points: (N, 2)``, ``angles: (N,)`` or a number → ``(N, 2)``.
    """
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (N, 2), got {tuple(points.shape)}")
    angles = torch.as_tensor(angles, dtype=points.dtype, device=points.device)
    if angles.ndim > 1 or angles.numel() not in (1, len(points)):
        raise ValueError(f"need one angle or one per point ({len(points)}), got shape {tuple(angles.shape)}")
    angles = angles.reshape(-1).expand(len(points))
    c, s = torch.cos(angles), torch.sin(angles)
    x1, x2 = points[:, 0], points[:, 1]
    return torch.stack([c * x1 - s * x2, s * x1 + c * x2], dim=1)     # [[cos, −sin], [sin, cos]] x


def rotation_tangent(points: torch.Tensor) -> torch.Tensor:
    """The tangent of a rotation, ``∂/∂α rotate_points(x, α)`` at ``α = 0``: ``(x₁, x₂) → (−x₂, x₁)``.
    ``(N, 2) → (N, 2)``."""
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (N, 2), got {tuple(points.shape)}")
    return torch.stack([-points[:, 1], points[:, 0]], dim=1)
