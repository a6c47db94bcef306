"""Weight penalties from scratch: L2, L1 and the elastic net, their proximal updates and regularisation paths.

Penalties use the book's convention ``λ‖θ‖²`` (no ½), so the L2 gradient is ``2λθ``
and the elastic net is ``λ(α‖θ‖₁ + (1 − α)‖θ‖²)`` with mixing ``l1_ratio = α``.
"""
from __future__ import annotations

from typing import Iterable

import torch

Params = torch.Tensor | Iterable[torch.Tensor]


# ------------------------------------------------------------------ argument checks

def _check_lam(lam, name: str = "lam") -> None:
    value = torch.as_tensor(lam)
    if value.is_complex() or not torch.isfinite(value).all() or (value < 0).any():
        raise ValueError(f"{name} must be a finite, non-negative penalty strength, got {lam}")


def _check_ratio(l1_ratio: float) -> None:
    if not 0.0 <= l1_ratio <= 1.0:
        raise ValueError(f"l1_ratio must lie in [0, 1] (1 is the lasso, 0 is ridge), got {l1_ratio}")


def _tensors(params: Params) -> list[torch.Tensor]:
    return [params] if isinstance(params, torch.Tensor) else list(params)


# ------------------------------------------------------------------ penalties

def l2_penalty(params: Params, lam: float) -> torch.Tensor:
    """``λ Σ θ²`` over a tensor or an iterable of tensors (e.g. ``model.parameters()``); gradient ``2λθ``."""
    _check_lam(lam)
    return lam * sum(p.pow(2).sum() for p in _tensors(params))


def l1_penalty(params: Params, lam: float) -> torch.Tensor:
    """``λ Σ |θ|``; its subgradient is ``λ·sign(θ)``."""
    _check_lam(lam)
    return lam * sum(p.abs().sum() for p in _tensors(params))


def elastic_net_penalty(params: Params, lam: float, l1_ratio: float = 0.5) -> torch.Tensor:
    """``λ(α Σ|θ| + (1 − α) Σθ²)`` with ``α = l1_ratio``."""
    _check_lam(lam)
    _check_ratio(l1_ratio)
    return l1_penalty(params, lam * l1_ratio) + l2_penalty(params, lam * (1 - l1_ratio))


# ------------------------------------------------------------------ proximal updates

def soft_threshold(x: torch.Tensor, threshold) -> torch.Tensor:
    """``sign(x)·max(|x| − t, 0)``: the proximal map of ``t|·|``, elementwise; ``threshold`` broadcasts."""
    _check_lam(threshold, "threshold")
    return torch.sign(x) * torch.clamp(x.abs() - threshold, min=0)


def prox_elastic_net(x: torch.Tensor, step, lam, l1_ratio: float = 1.0) -> torch.Tensor:
    """``argmin_z ½(z − x)² + step·λ(α|z| + (1 − α)z²)`` = ``S(x, step·λ·α) / (1 + 2·step·λ(1 − α))``."""
    _check_lam(step, "step")
    _check_lam(lam)
    _check_ratio(l1_ratio)
    return soft_threshold(x, step * lam * l1_ratio) / (1 + 2 * step * lam * (1 - l1_ratio))


class ProximalSGD(torch.optim.Optimizer):
    """Gradient step on the smooth loss, then the elastic-net proximal map: weights reach exactly zero.

    ``θ ← prox(θ − lr·∇L(θ))``; the penalty ``λ(α‖θ‖₁ + (1 − α)‖θ‖²)`` is *not* part of the loss.
    """

    def __init__(self, params, lr: float, lam: float = 0.0, l1_ratio: float = 1.0):
        if not lr > 0:
            raise ValueError(f"lr must be positive, got {lr}")
        _check_lam(lam)
        _check_ratio(l1_ratio)
        super().__init__(params, dict(lr=lr, lam=lam, l1_ratio=l1_ratio))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    p.add_(p.grad, alpha=-group["lr"])
                p.copy_(prox_elastic_net(p, group["lr"], group["lam"], group["l1_ratio"]))
        return loss


def elastic_net_path(features: torch.Tensor, targets: torch.Tensor, lams, l1_ratio: float = 1.0,
                     steps: int = 2000) -> torch.Tensor:
    """Minimise ``(1/N)‖y − Φw‖² + λ(α‖w‖₁ + (1 − α)‖w‖²)`` for every ``λ`` at once (FISTA with restarts).

    ``features: (N, D)``, ``targets: (N,)`` or ``(N, 1)``, ``lams: (K,)`` → weights ``(K, D)``.
    """
    Phi = torch.as_tensor(features, dtype=torch.float64)
    y = torch.as_tensor(targets, dtype=torch.float64).reshape(-1)
    if Phi.ndim != 2 or len(Phi) != len(y):
        raise ValueError(f"need features (N, D) and N targets, got {tuple(Phi.shape)} and {tuple(y.shape)}")
    lams = torch.as_tensor(lams, dtype=torch.float64).reshape(-1, 1)
    _check_lam(lams, "lams")
    _check_ratio(l1_ratio)
    n = len(y)
    H, b = Phi.T @ Phi / n, Phi.T @ y / n
    step = 1 / (2 * torch.linalg.eigvalsh(H).max())        # 1 / Lipschitz constant of the smooth part
    w = z = torch.zeros(len(lams), Phi.shape[1], dtype=torch.float64)
    t = torch.ones(len(lams), 1, dtype=torch.float64)
    for _ in range(steps):
        grad = 2 * (z @ H - b)                                # ∇ (1/N)‖y − Φz‖² = 2(Hz − b)
        w_next = prox_elastic_net(z - step * grad, step, lams, l1_ratio)
        restart = ((z - w_next) * (w_next - w)).sum(1, keepdim=True) > 0   # momentum points uphill: reset it
        t = torch.where(restart, torch.ones_like(t), t)
        t_next = (1 + (1 + 4 * t * t).sqrt()) / 2
        z = w_next + (t - 1) / t_next * (w_next - w)          # Nesterov momentum
        w, t = w_next, t_next
    return w


def ridge(features: torch.Tensor, targets: torch.Tensor, lam: float) -> torch.Tensor:
    """The minimiser of ``(1/N)‖y − Φw‖² + λ‖w‖²``: ``(ΦᵀΦ/N + λI)⁻¹Φᵀy/N``. ``(N, D), (N,) → (D,)``."""
    _check_lam(lam)
    Phi = torch.as_tensor(features, dtype=torch.float64)
    y = torch.as_tensor(targets, dtype=torch.float64).reshape(-1)
    n, d = Phi.shape
    return torch.linalg.solve(Phi.T @ Phi / n + lam * torch.eye(d, dtype=Phi.dtype), Phi.T @ y / n)


def linear_gd_path(features: torch.Tensor, targets: torch.Tensor, lr: float, steps: int) -> torch.Tensor:
    """Gradient descent on ``(1/N)‖y − Φw‖²`` from ``w = 0``: every iterate, ``(steps + 1, D)``."""
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr}")
    Phi = torch.as_tensor(features, dtype=torch.float64)
    y = torch.as_tensor(targets, dtype=torch.float64).reshape(-1)
    H, b = Phi.T @ Phi / len(y), Phi.T @ y / len(y)
    path = [torch.zeros(Phi.shape[1], dtype=torch.float64)]
    for _ in range(steps):
        path.append(path[-1] - lr * 2 * (H @ path[-1] - b))
    return torch.stack(path)
