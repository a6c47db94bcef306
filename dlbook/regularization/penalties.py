"""Weight penalties from scratch: L2, L1 and the elastic net, their proximal updates and
regularisation paths.

Penalties use the book's convention (book/notation.md): the L2 penalty is ``(λ/2)‖θ‖²``,
so its gradient is ``λθ`` and torch's ``weight_decay`` equals ``λ``. The elastic net mixes
the two with ``l1_ratio = α``: ``λ(α‖θ‖₁ + (1 − α)/2 ‖θ‖²)``, which is scikit-learn's
``ElasticNet`` penalty with ``alpha = λ`` and ``l1_ratio = α``. (Its data term is
``(1/2N)‖y − Φw‖²``, half of the MSE used here, so a fit of ``MSE + penalty`` at ``λ`` is
scikit-learn's fit at ``alpha = λ/2``.)
"""

from __future__ import annotations

from typing import Iterable

import torch

Params = torch.Tensor | Iterable[torch.Tensor]


# ------------------------------------------------------------------ argument checks


def _check_lam(lam, name: str = "lam") -> None:
    value = torch.as_tensor(lam)
    if value.is_complex() or not torch.isfinite(value).all() or (value < 0).any():
        raise ValueError(
            f"{name} must be a finite, non-negative penalty strength, got {lam}"
        )


def least_squares_data(features, targets) -> tuple[torch.Tensor, torch.Tensor]:
    """``Φ: (N, D)`` and ``y: (N,)`` in float64 for a least-squares problem, or an error naming the shapes.

    ``targets`` may be ``(N,)`` or ``(N, 1)``.
    """
    Phi = torch.as_tensor(features, dtype=torch.float64)
    y = torch.as_tensor(targets, dtype=torch.float64).reshape(-1)
    if Phi.ndim != 2 or len(Phi) != len(y):
        raise ValueError(
            f"need features (N, D) and N targets, got {tuple(Phi.shape)} and "
            f"{tuple(y.shape)}"
        )
    return Phi, y


def _check_ratio(l1_ratio: float) -> None:
    if not 0.0 <= l1_ratio <= 1.0:
        raise ValueError(
            f"l1_ratio must lie in [0, 1] (1 is the lasso, 0 is ridge), got {l1_ratio}"
        )


def _tensors(params: Params) -> list[torch.Tensor]:
    return [params] if isinstance(params, torch.Tensor) else list(params)


# ------------------------------------------------------------------ penalties


def l2_penalty(params: Params, lam: float) -> torch.Tensor:
    """``(λ/2) Σ θ²`` over a tensor or an iterable of tensors (``model.parameters()``).

    Its gradient is ``λθ``: ``SGD(weight_decay=λ)`` on the loss alone takes the same
    steps.
    """
    _check_lam(lam)
    return lam / 2 * sum(p.pow(2).sum() for p in _tensors(params))


def l1_penalty(params: Params, lam: float) -> torch.Tensor:
    """``λ Σ |θ|``; its subgradient is ``λ·sign(θ)``."""
    _check_lam(lam)
    return lam * sum(p.abs().sum() for p in _tensors(params))


def elastic_net_penalty(
    params: Params, lam: float, l1_ratio: float = 0.5
) -> torch.Tensor:
    """``λ(α Σ|θ| + (1 − α)/2 Σθ²)`` with ``α = l1_ratio`` (1: the lasso, 0: ridge)."""
    _check_lam(lam)
    _check_ratio(l1_ratio)
    return l1_penalty(params, lam * l1_ratio) + l2_penalty(params, lam * (1 - l1_ratio))


# ------------------------------------------------------------------ proximal updates


def soft_threshold(x: torch.Tensor, threshold) -> torch.Tensor:
    """``sign(x)·max(|x| − t, 0)``: the proximal map of ``t|·|``, elementwise.

    ``threshold`` broadcasts against ``x``.
    """
    _check_lam(threshold, "threshold")
    return torch.sign(x) * torch.clamp(x.abs() - threshold, min=0)


def prox_elastic_net(x: torch.Tensor, step, lam, l1_ratio: float = 1.0) -> torch.Tensor:
    """``argmin_z ½(z − x)² + step·λ(α|z| + (1 − α)z²/2)``, elementwise.

    The minimiser is ``S(x, step·λ·α) / (1 + step·λ(1 − α))``, ``S`` soft thresholding.

    Elementwise; ``step`` and ``lam`` broadcast against ``x``.
    """
    _check_lam(step, "step")
    _check_lam(lam)
    _check_ratio(l1_ratio)
    return soft_threshold(x, step * lam * l1_ratio) / (1 + step * lam * (1 - l1_ratio))


class ProximalSGD(torch.optim.Optimizer):
    """Gradient step on the smooth loss, then the elastic-net proximal map.

    ``θ ← prox(θ − lr·∇L(θ))``: weights reach exactly zero. The penalty
    ``λ(α‖θ‖₁ + (1 − α)/2 ‖θ‖²)`` is *not* part of the loss; the prox applies it.
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


def elastic_net_path(
    features: torch.Tensor,
    targets: torch.Tensor,
    lams,
    l1_ratio: float = 1.0,
    steps: int = 2000,
) -> torch.Tensor:
    """Minimise ``(1/N)‖y − Φw‖² + λ(α‖w‖₁ + (1 − α)/2 ‖w‖²)`` for every ``λ`` at once.

    Accelerated proximal gradient (FISTA) with adaptive restarts.

    ``features: (N, D)``, ``targets: (N,)`` or ``(N, 1)``, ``lams: (K,)`` → weights
    ``(K, D)``.
    """
    Phi, y = least_squares_data(features, targets)
    lams = torch.as_tensor(lams, dtype=torch.float64).reshape(-1, 1)
    _check_lam(lams, "lams")
    _check_ratio(l1_ratio)
    n = len(y)
    H, b = Phi.T @ Phi / n, Phi.T @ y / n
    step = 1 / (
        2 * torch.linalg.eigvalsh(H).max()
    )  # 1 / Lipschitz constant of the smooth part
    w = z = torch.zeros(len(lams), Phi.shape[1], dtype=torch.float64)
    t = torch.ones(len(lams), 1, dtype=torch.float64)
    for _ in range(steps):
        grad = 2 * (z @ H - b)  # ∇ (1/N)‖y − Φz‖² = 2(Hz − b)
        w_next = prox_elastic_net(z - step * grad, step, lams, l1_ratio)
        # momentum points uphill: reset it
        restart = ((z - w_next) * (w_next - w)).sum(1, keepdim=True) > 0
        t = torch.where(restart, torch.ones_like(t), t)
        t_next = (1 + (1 + 4 * t * t).sqrt()) / 2
        z = w_next + (t - 1) / t_next * (w_next - w)  # Nesterov momentum
        w, t = w_next, t_next
    return w


def ridge(features: torch.Tensor, targets: torch.Tensor, lam: float) -> torch.Tensor:
    """The minimiser of ``(1/N)‖y − Φw‖² + (λ/2)‖w‖²``: ``(ΦᵀΦ/N + (λ/2)I)⁻¹Φᵀy/N``.

    ``features: (N, D)``, ``targets: (N,)`` → ``(D,)``. (The ½ cancels against the 2
    of the MSE's gradient: ``2(Hw − b) + λw = 0``.)
    """
    _check_lam(lam)
    Phi, y = least_squares_data(features, targets)
    n, d = Phi.shape
    if (
        d > n
    ):  # more features than points: the same solution as Φᵀ(ΦΦᵀ + (Nλ/2)I)⁻¹y, N × N
        return Phi.T @ torch.linalg.solve(
            Phi @ Phi.T + n * lam / 2 * torch.eye(n, dtype=Phi.dtype), y
        )
    eye = torch.eye(d, dtype=Phi.dtype)
    return torch.linalg.solve(Phi.T @ Phi / n + lam / 2 * eye, Phi.T @ y / n)


def linear_gd_path(
    features: torch.Tensor,
    targets: torch.Tensor,
    lr: float,
    steps: int,
    start: torch.Tensor | None = None,
) -> torch.Tensor:
    """Gradient descent on ``(1/N)‖y − Φw‖²`` from ``w = start`` (zero by default).

    ``features: (N, D)``, ``targets: (N,)``, ``start: (D,)`` → every iterate,
    ``(steps + 1, D)``.
    """
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr}")
    Phi, y = least_squares_data(features, targets)
    H, b = Phi.T @ Phi / len(y), Phi.T @ y / len(y)
    w0 = (
        torch.zeros(Phi.shape[1], dtype=torch.float64)
        if start is None
        else torch.as_tensor(start, dtype=torch.float64).reshape(-1)
    )
    if w0.shape != (Phi.shape[1],):
        raise ValueError(
            f"start must have the {Phi.shape[1]} entries of w, got {tuple(w0.shape)}"
        )
    path = [w0]
    for _ in range(steps):
        path.append(path[-1] - lr * 2 * (H @ path[-1] - b))
    return torch.stack(path)
