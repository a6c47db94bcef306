"""Optimisers from scratch, as ``torch.optim.Optimizer`` subclasses, and gradient-norm clipping.

Each class keeps PyTorch's name, arguments and defaults, so it swaps in for its
``torch.optim`` twin in one line and follows the same parameter trajectory.
Every update reads as its equation: ``g`` is the gradient of one parameter
tensor, ``θ`` the parameter, ``η`` the learning rate, ``t`` the step count.
"""
from __future__ import annotations

from typing import Callable, Iterable

import torch
from torch.optim import Optimizer


# ---------------------------------------------------------------- checks shared by every optimiser

def _at_least_zero(name: str, value: float) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not value >= 0:
        raise ValueError(f"{name} must be a number >= 0, got {value!r}")


def _in_unit_interval(name: str, value: float) -> None:
    """``0 <= value < 1``: an average that forgets (β = 1 would never update, β > 1 would blow up)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value < 1:
        raise ValueError(f"{name} must lie in [0, 1), got {value!r}")


def _closure_loss(closure: Callable[[], torch.Tensor] | None):
    if closure is None:
        return None
    with torch.enable_grad():
        return closure()


# ---------------------------------------------------------------- SGD, heavy ball and Nesterov

class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum (heavy ball) and Nesterov momentum.

    ``g ← ∇θ + λθ`` (weight decay λ); with momentum μ the velocity
    ``b ← μ b + (1 − dampening) g`` (``b₁ = g``) replaces ``g`` — or, with
    ``nesterov=True``, ``g + μ b`` does; then ``θ ← θ − η g``.
    """

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False):
        _at_least_zero("lr", lr)
        _in_unit_interval("momentum", momentum)
        _in_unit_interval("dampening", dampening)
        _at_least_zero("weight_decay", weight_decay)
        if nesterov and (momentum == 0 or dampening != 0):
            raise ValueError("nesterov=True needs momentum > 0 and dampening = 0")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov))

    @torch.no_grad()
    def step(self, closure=None):
        loss = _closure_loss(closure)
        for group in self.param_groups:
            lr, mu, wd = group["lr"], group["momentum"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                g = p.grad.add(p, alpha=wd) if wd else p.grad           # ∇(L + λ/2 ‖θ‖²) = ∇L + λθ
                if mu:
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        b = state["momentum_buffer"] = g.clone()        # b₁ = g₁
                    else:
                        b = state["momentum_buffer"]
                        b.mul_(mu).add_(g, alpha=1 - group["dampening"])  # b ← μ b + (1 − d) g
                    g = g.add(b, alpha=mu) if group["nesterov"] else b  # Nesterov: g + μ b
                p.add_(g, alpha=-lr)                                    # θ ← θ − η g
        return loss


# ---------------------------------------------------------------- per-parameter step sizes

class Adagrad(Optimizer):
    """AdaGrad: divide each coordinate's step by the root of its summed squared gradients.

    ``G ← G + g²``, ``θ ← θ − η_t g / (√G + ε)`` with ``η_t = η / (1 + (t − 1)·lr_decay)``.
    """

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10):
        for name, value in [("lr", lr), ("lr_decay", lr_decay), ("weight_decay", weight_decay),
                            ("initial_accumulator_value", initial_accumulator_value), ("eps", eps)]:
            _at_least_zero(name, value)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, eps=eps))

    @torch.no_grad()
    def step(self, closure=None):
        loss = _closure_loss(closure)
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["sum"] = torch.full_like(p, group["initial_accumulator_value"])
                state["step"] += 1
                g = p.grad.add(p, alpha=group["weight_decay"]) if group["weight_decay"] else p.grad
                lr_t = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
                state["sum"].addcmul_(g, g)                                  # G ← G + g²
                p.addcdiv_(g, state["sum"].sqrt().add_(group["eps"]), value=-lr_t)  # θ ← θ − η_t g/(√G + ε)
        return loss


class RMSprop(Optimizer):
    """RMSProp: AdaGrad with a forgetting average of squared gradients.

    ``v ← α v + (1 − α) g²``; with ``centered=True`` the variance ``v − m²``
    (``m ← α m + (1 − α) g``) replaces ``v``; the step ``g / (√v + ε)`` is taken
    directly or through a momentum buffer ``b ← μ b + g / (√v + ε)``.
    """

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False):
        _at_least_zero("lr", lr)
        _in_unit_interval("alpha", alpha)
        _at_least_zero("eps", eps)
        _at_least_zero("weight_decay", weight_decay)
        _in_unit_interval("momentum", momentum)
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered))

    @torch.no_grad()
    def step(self, closure=None):
        loss = _closure_loss(closure)
        for group in self.param_groups:
            alpha, mu = group["alpha"], group["momentum"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["square_avg"] = torch.zeros_like(p)
                    if mu:
                        state["momentum_buffer"] = torch.zeros_like(p)
                    if group["centered"]:
                        state["grad_avg"] = torch.zeros_like(p)
                state["step"] += 1
                g = p.grad.add(p, alpha=group["weight_decay"]) if group["weight_decay"] else p.grad
                v = state["square_avg"].mul_(alpha).addcmul_(g, g, value=1 - alpha)  # v ← αv + (1−α)g²
                if group["centered"]:
                    m = state["grad_avg"].lerp_(g, 1 - alpha)                       # m ← αm + (1−α)g
                    v = v - m * m                                                   # Var[g] ≈ v − m²
                denom = v.sqrt().add_(group["eps"])
                if mu:
                    b = state["momentum_buffer"].mul_(mu).addcdiv_(g, denom)        # b ← μb + g/(√v + ε)
                    p.add_(b, alpha=-group["lr"])
                else:
                    p.addcdiv_(g, denom, value=-group["lr"])                        # θ ← θ − η g/(√v + ε)
        return loss


# ---------------------------------------------------------------- Adam and AdamW

class Adam(Optimizer):
    """Adam: momentum on ``g`` and RMSProp on ``g²``, both corrected for their start at zero.

    ``m ← β₁m + (1 − β₁)g``, ``v ← β₂v + (1 − β₂)g²``,
    ``θ ← θ − η m̂ / (√v̂ + ε)`` with ``m̂ = m / (1 − β₁ᵗ)``, ``v̂ = v / (1 − β₂ᵗ)``.
    ``weight_decay`` adds ``λθ`` to the gradient (an L2 penalty); ``amsgrad``
    divides by the running maximum of ``v`` instead.
    """

    decoupled_weight_decay = False

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False):
        _at_least_zero("lr", lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        _in_unit_interval("betas[0]", betas[0])
        _in_unit_interval("betas[1]", betas[1])
        _at_least_zero("eps", eps)
        _at_least_zero("weight_decay", weight_decay)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad))

    @torch.no_grad()
    def step(self, closure=None):
        loss = _closure_loss(closure)
        for group in self.param_groups:
            lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"], state["exp_avg_sq"] = torch.zeros_like(p), torch.zeros_like(p)
                    if group["amsgrad"]:
                        state["max_exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                t, g = state["step"], p.grad
                if wd and self.decoupled_weight_decay:
                    p.mul_(1 - lr * wd)                                   # AdamW: θ ← (1 − ηλ) θ
                elif wd:
                    g = g.add(p, alpha=wd)                                # Adam + L2: g ← g + λθ
                m = state["exp_avg"].lerp_(g, 1 - beta1)                  # m ← β₁m + (1 − β₁)g
                v = state["exp_avg_sq"].mul_(beta2).addcmul_(g, g, value=1 - beta2)  # v ← β₂v + (1 − β₂)g²
                if group["amsgrad"]:
                    v = torch.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
                m_hat = m / (1 - beta1**t)                                # bias corrections
                v_hat = v / (1 - beta2**t)
                p.addcdiv_(m_hat, v_hat.sqrt().add_(group["eps"]), value=-lr)  # θ ← θ − η m̂/(√v̂ + ε)
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay: ``θ ← (1 − ηλ)θ`` before the Adam step, not ``λθ`` in ``g``."""

    decoupled_weight_decay = True

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)


# ---------------------------------------------------------------- gradient-norm clipping

def gradient_norm(parameters: Iterable[torch.Tensor] | torch.Tensor) -> torch.Tensor:
    """``‖∇‖``: the 2-norm of the gradients of ``parameters`` concatenated, a 0-dim tensor (0 when none has one)."""
    params = [parameters] if isinstance(parameters, torch.Tensor) else list(parameters)
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return torch.tensor(0.0)
    return torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))


def clip_grad_norm_(parameters: Iterable[torch.Tensor] | torch.Tensor, max_norm: float,
                    eps: float = 1e-6) -> torch.Tensor:
    """Rescale all gradients together so their joint norm is at most ``max_norm``; return the norm before.

    ``∇ ← ∇ · min(1, δ / (‖∇‖ + eps))`` where ``‖∇‖`` is the 2-norm of every
    gradient concatenated (``eps`` as in ``torch.nn.utils.clip_grad_norm_``).
    """
    if not isinstance(max_norm, (int, float)) or isinstance(max_norm, bool) or not max_norm > 0:
        raise ValueError(f"max_norm must be a positive number, got {max_norm!r}")
    params = [parameters] if isinstance(parameters, torch.Tensor) else list(parameters)
    total = gradient_norm(params)                                                                 # ‖∇‖
    grads = [p.grad for p in params if p.grad is not None]
    scale = torch.clamp(max_norm / (total + eps), max=1.0)                                       # min(1, δ/‖∇‖)
    for g in grads:
        g.mul_(scale)
    return total
