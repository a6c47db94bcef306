"""Regularisation from scratch: weight penalties, proximal updates, ensembles and weight averaging.

Dropout lives in :mod:`dlbook.dropout`.

Penalties use the book's convention ``λ‖θ‖²`` (no ½), so the L2 gradient is ``2λθ``
and the elastic net is ``λ(α‖θ‖₁ + (1 − α)‖θ‖²)`` with mixing ``l1_ratio = α``.
"""
from __future__ import annotations

from typing import Iterable

import torch
from torch.nn import functional as F
from torch.optim.swa_utils import SWALR, AveragedModel

from .callbacks import Callback
from .train import accuracy

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


def legendre_features(x: torch.Tensor, degree: int) -> torch.Tensor:
    """Legendre polynomials ``P_0 … P_degree`` of ``x`` in [-1, 1]: ``(N,)`` or ``(N, 1)`` → ``(N, degree + 1)``."""
    if not isinstance(degree, int) or degree < 0:
        raise ValueError(f"degree must be a non-negative int, got {degree!r}")
    x = torch.as_tensor(x).reshape(-1)
    columns = [torch.ones_like(x), x]
    for k in range(1, degree):                                # (k+1)P_{k+1} = (2k+1)x P_k − k P_{k−1}
        columns.append(((2 * k + 1) * x * columns[k] - k * columns[k - 1]) / (k + 1))
    return torch.stack(columns[: degree + 1], dim=1)


def legendre_fit(x: torch.Tensor, y: torch.Tensor, degree: int, x_eval: torch.Tensor) -> torch.Tensor:
    """Least-squares polynomial fit on Legendre features of ``2x − 1`` (inputs in [0, 1]), evaluated at ``x_eval``.

    ``x: (n, 1)``, ``y: (n, 1)``, ``x_eval: (m, 1)`` → ``(m, 1)``; a batch of data sets works too:
    ``x, y: (B, n, 1)`` → ``(B, m, 1)``, one fit per set. Computed in float64.
    """
    x, y, x_eval = (torch.as_tensor(t, dtype=torch.float64) for t in (x, y, x_eval))
    if x.shape != y.shape or x.shape[-1] != 1 or x.ndim not in (2, 3):
        raise ValueError(f"need x and y of shape (n, 1) or (B, n, 1), got {tuple(x.shape)} and {tuple(y.shape)}")
    Phi = legendre_features(2 * x - 1, degree).reshape(*x.shape[:-1], degree + 1)     # (..., n, degree + 1)
    w = torch.linalg.lstsq(Phi, y).solution                                            # (..., degree + 1, 1)
    return legendre_features(2 * x_eval - 1, degree) @ w


def first_per_class(X: torch.Tensor, y: torch.Tensor, n: int, classes: int | None = None):
    """A small balanced subset: the first ``n`` examples of each class ``0 … classes − 1``, class by class.

    ``X: (N, ...)``, ``y: (N,)`` class indices → ``(classes·n, ...)``, ``(classes·n,)``.
    """
    if len(X) != len(y):
        raise ValueError(f"X and y differ in length: {len(X)} vs {len(y)}")
    classes = int(y.max()) + 1 if classes is None else classes
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    index = [torch.nonzero(y == k)[:n, 0] for k in range(classes)]
    short = [k for k, i in enumerate(index) if len(i) < n]
    if short:
        raise ValueError(f"classes {short} have fewer than {n} examples")
    index = torch.cat(index)
    return X[index], y[index]


# ------------------------------------------------------------------ ensembles and weight averaging

def reliability_bins(probs: torch.Tensor, targets: torch.Tensor, bins: int = 10):
    """The data of a reliability diagram: predictions binned by confidence ``max_k p_k`` into ``bins``
    equal-width bins (bin ``b`` holds ``[b/B, (b+1)/B)``, the last one also 1).

    ``probs: (N, K)``, ``targets: (N,)`` → ``(confidence, accuracy, count)``, each ``(bins,)``: the mean
    confidence and the accuracy of each bin (NaN where a bin is empty), and its number of predictions.
    """
    if probs.ndim != 2 or len(probs) != len(targets):
        raise ValueError(f"need probs (N, K) and N targets, got {tuple(probs.shape)} and {tuple(targets.shape)}")
    if isinstance(bins, bool) or not isinstance(bins, int) or bins < 1:
        raise ValueError(f"bins must be a positive int, got {bins!r}")
    confidence, predicted = probs.detach().double().max(dim=1)
    correct = (predicted == targets.to(predicted.device)).double()
    which = torch.clamp((confidence * bins).long(), max=bins - 1)
    count = torch.bincount(which, minlength=bins).double()
    mean_confidence = torch.bincount(which, weights=confidence, minlength=bins) / count    # 0/0 = NaN: empty
    accuracy = torch.bincount(which, weights=correct, minlength=bins) / count
    return mean_confidence, accuracy, count


def expected_calibration_error(probs: torch.Tensor, targets: torch.Tensor, bins: int = 10) -> float:
    """``Σ_b (n_b/N)·|accuracy_b − confidence_b|`` over the bins of :func:`reliability_bins`.

    ``probs: (N, K)`` predicted class probabilities, ``targets: (N,)`` class indices.
    """
    confidence, accuracy, count = reliability_bins(probs, targets, bins)
    occupied = count > 0
    return float((count[occupied] / count.sum() * (accuracy[occupied] - confidence[occupied]).abs()).sum())


def classification_scores(probs: torch.Tensor, targets: torch.Tensor, bins: int = 10) -> dict[str, float]:
    """Accuracy, negative log-likelihood and expected calibration error of predicted probabilities.

    ``probs: (N, K)`` class probabilities (e.g. an average of softmax outputs), ``targets: (N,)`` class
    indices → ``{"accuracy", "nll", "ece"}``. The NLL is ``−mean log p_target`` with ``p`` clamped at 1e-12.
    """
    if probs.ndim != 2 or len(probs) != len(targets):
        raise ValueError(f"need probs (N, K) and N targets, got {tuple(probs.shape)} and {tuple(targets.shape)}")
    probs, targets = probs.detach(), targets.to(probs.device)
    return dict(accuracy=float(accuracy(probs, targets)),
                nll=F.nll_loss(probs.double().clamp_min(1e-12).log(), targets).item(),
                ece=expected_calibration_error(probs, targets, bins))


class SWA(Callback):
    """Stochastic weight averaging for :func:`dlbook.fit`: average the weights at the end of every epoch
    from epoch ``start`` on; after epoch ``start`` the learning rate moves to the constant ``swa_lr``
    (linearly annealed over ``anneal_epochs`` epochs, via ``torch.optim.swa_utils.SWALR``).

    ``self.averaged`` (a ``torch.optim.swa_utils.AveragedModel``) holds the average; for networks
    with batch norm, recompute its statistics with ``torch.optim.swa_utils.update_bn``.
    """

    def __init__(self, start: int, swa_lr: float, anneal_epochs: int = 1):
        if not isinstance(start, int) or start < 1:
            raise ValueError(f"start must be a positive epoch number, got {start!r}")
        if not swa_lr > 0:
            raise ValueError(f"swa_lr must be positive, got {swa_lr}")
        self.start, self.swa_lr, self.anneal_epochs = start, swa_lr, anneal_epochs

    def on_fit_start(self, state) -> None:
        self.averaged = AveragedModel(state.model)
        self.scheduler, self.averaged_epochs = None, 0
        if self.start == 1:
            self._anneal(state)

    def _anneal(self, state) -> None:
        # Made one epoch before `start` (the learning rate is untouched until then), so that its first
        # step() follows the optimizer's steps of epoch `start`, as torch's schedulers expect.
        self.scheduler = SWALR(state.optimizer, swa_lr=self.swa_lr, anneal_epochs=self.anneal_epochs)

    def on_epoch_end(self, state) -> None:
        if state.epoch == self.start - 1:
            self._anneal(state)
        if state.epoch < self.start:
            return
        self.averaged.update_parameters(state.model)
        self.averaged_epochs += 1
        self.scheduler.step()
