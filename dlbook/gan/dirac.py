"""The Dirac-GAN (Mescheder et al., 2018): the smallest GAN that shows why training can fail to converge.

The data is a point mass at 0, the generator a point mass at ``θ``, the discriminator linear,
``D_ψ(x) = σ(ψ x)``. The game's value is ``V(θ, ψ) = log σ(0) + log σ(−ψθ)``; its unique
equilibrium is ``θ = ψ = 0``.
"""
from __future__ import annotations

import math

import torch

MODES = ("simultaneous", "alternating")


def dirac_value(theta: torch.Tensor, psi: torch.Tensor) -> torch.Tensor:
    """``V(θ, ψ) = log σ(ψ·0) + log σ(−ψθ)`` elementwise: ``(*), (*) → (*)``."""
    return torch.nn.functional.logsigmoid(psi * 0) + torch.nn.functional.logsigmoid(-psi * theta)


def _sigmoid(t: float) -> float:
    return 1 / (1 + math.exp(-t)) if t >= 0 else math.exp(t) / (1 + math.exp(t))


def dirac_field(theta: float, psi: float, gamma: float = 0.0) -> tuple[float, float]:
    """The direction both players move in: ``(−∂V/∂θ, ∂V/∂ψ − γψ) = (ψ σ(ψθ), −θ σ(ψθ) − γψ)``.

    The generator descends ``V``; the discriminator ascends ``V − (γ/2)ψ²``, where ``(γ/2)ψ²`` is the
    R1 penalty ``(γ/2)‖∇ₓD_ψ(0)‖²`` (its gradient on the real point).
    """
    if not gamma >= 0:
        raise ValueError(f"gamma must be non-negative, got {gamma}")
    s = _sigmoid(psi * theta)
    return psi * s, -theta * s - gamma * psi


def dirac_equilibrium_eigenvalues(gamma: float = 0.0) -> torch.Tensor:
    """Eigenvalues of the field's Jacobian ``[[0, ½], [−½, −γ]]`` at the equilibrium: ``(−γ ± √(γ² − 1))/2``, ``(2,)`` complex."""
    if not gamma >= 0:
        raise ValueError(f"gamma must be non-negative, got {gamma}")
    root = complex(gamma**2 - 1) ** 0.5
    return torch.tensor([(-gamma + root) / 2, (-gamma - root) / 2], dtype=torch.complex128)


def dirac_trajectory(theta0: float, psi0: float, steps: int, *, lr_g: float = 0.1, lr_d: float = 0.1,
                     mode: str = "simultaneous", n_critic: int = 1, gamma: float = 0.0) -> torch.Tensor:
    """Gradient play from ``(θ₀, ψ₀)`` for ``steps`` generator steps: ``(steps + 1, 2)`` rows ``(θ, ψ)``, float64.

    ``"simultaneous"``: both players step from the same point. ``"alternating"``: the discriminator takes
    ``n_critic`` steps, then the generator one step against the updated discriminator.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be a non-negative int, got {steps!r}")
    if not isinstance(n_critic, int) or n_critic < 1:
        raise ValueError(f"n_critic must be a positive int, got {n_critic!r}")
    if mode == "simultaneous" and n_critic != 1:
        raise ValueError("n_critic only applies to alternating updates; simultaneous updates take one step each")
    if not (lr_g > 0 and lr_d > 0):
        raise ValueError(f"learning rates must be positive, got lr_g={lr_g}, lr_d={lr_d}")
    theta, psi = float(theta0), float(psi0)
    path = [(theta, psi)]
    for _ in range(steps):
        if mode == "simultaneous":
            v_theta, v_psi = dirac_field(theta, psi, gamma)
            theta, psi = theta + lr_g * v_theta, psi + lr_d * v_psi
        else:
            for _ in range(n_critic):
                psi = psi + lr_d * dirac_field(theta, psi, gamma)[1]
            theta = theta + lr_g * dirac_field(theta, psi, gamma)[0]
        path.append((theta, psi))
    return torch.tensor(path, dtype=torch.float64)
