"""Backpropagation through time by hand, and the Jacobians that make gradients vanish or explode.

The Elman recurrence ``h_t = tanh(W_xh x_t + W_hh h_{t−1} + b)`` is unrolled by
:func:`unroll`; :func:`bptt` runs the backward recursion

    δ_t = g_t + W_hhᵀ ε_{t+1},   ε_t = δ_t ⊙ (1 − h_t²),

where ``g_t`` is the loss's direct gradient at ``h_t``, and sums the parameter gradients
``∂L/∂W_hh = Σ_t ε_t h_{t−1}ᵀ``, ``∂L/∂W_xh = Σ_t ε_t x_tᵀ``, ``∂L/∂b = Σ_t ε_t``. With
``truncate=k`` the carried term ``W_hhᵀ ε_{t+1}`` is dropped at every multiple of ``k``:
truncated BPTT. :func:`jacobian_norms` measures ``‖∂h_T/∂h_t‖`` against ``T − t``.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch


def _check_recurrence(x, h0, weight_xh, weight_hh, bias) -> None:
    if x.dim() != 3:
        raise ValueError(f"x must be (T, B, I), got shape {tuple(x.shape)}")
    T, B, I = x.shape
    H = weight_hh.shape[0]
    if weight_hh.shape != (H, H):
        raise ValueError(f"weight_hh must be square (H, H), got {tuple(weight_hh.shape)}")
    if weight_xh.shape != (H, I):
        raise ValueError(f"weight_xh must be (H, I) = ({H}, {I}), got {tuple(weight_xh.shape)}")
    if bias.shape != (H,):
        raise ValueError(f"bias must be (H,) = ({H},), got {tuple(bias.shape)}")
    if h0.shape != (B, H):
        raise ValueError(f"h0 must be (B, H) = ({B}, {H}), got {tuple(h0.shape)}")


def unroll(x: torch.Tensor, h0: torch.Tensor, weight_xh: torch.Tensor, weight_hh: torch.Tensor,
           bias: torch.Tensor) -> torch.Tensor:
    """The hidden states ``h_1 … h_T``: ``x: (T, B, I)``, ``h0: (B, H)`` → ``(T, B, H)``."""
    _check_recurrence(x, h0, weight_xh, weight_hh, bias)
    h, states = h0, []
    for x_t in x:
        h = torch.tanh(x_t @ weight_xh.T + h @ weight_hh.T + bias)   # h_t = tanh(W_xh x_t + W_hh h_{t−1} + b)
        states.append(h)
    return torch.stack(states)


@dataclass
class BPTTGradients:
    """What :func:`bptt` returns; every field has the shape of the tensor it is the gradient of."""

    x: torch.Tensor          # (T, B, I)
    h0: torch.Tensor         # (B, H)
    weight_xh: torch.Tensor  # (H, I)
    weight_hh: torch.Tensor  # (H, H)
    bias: torch.Tensor       # (H,)
    delta: torch.Tensor      # (T, B, H): δ_t = ∂L/∂h_t, through every later step (or the window)


def bptt(x: torch.Tensor, h0: torch.Tensor, weight_xh: torch.Tensor, weight_hh: torch.Tensor,
         states: torch.Tensor, grad_states: torch.Tensor, *, truncate: int | None = None) -> BPTTGradients:
    """Backpropagation through time for :func:`unroll`, by the recursion above.

    ``states: (T, B, H)`` are the forward pass's ``h_1 … h_T`` and ``grad_states: (T, B, H)``
    the loss's direct gradients ``g_t = ∂ℓ_t/∂h_t``. ``truncate=k`` stops the backward
    recursion at the boundaries ``t = k, 2k, …`` (the state entering each window of ``k``
    steps is treated as a constant), which is what ``detach()`` between chunks computes.
    """
    _check_recurrence(x, h0, weight_xh, weight_hh, weight_hh.new_zeros(weight_hh.shape[0]))
    if states.shape != x.shape[:2] + (weight_hh.shape[0],) or grad_states.shape != states.shape:
        raise ValueError(f"states and grad_states must both be (T, B, H) = {tuple(x.shape[:2]) + (weight_hh.shape[0],)}, "
                         f"got {tuple(states.shape)} and {tuple(grad_states.shape)}")
    if truncate is not None and (isinstance(truncate, bool) or not isinstance(truncate, int) or truncate < 1):
        raise ValueError(f"truncate must be a positive int or None, got {truncate!r}")
    T = len(x)
    previous = torch.cat([h0[None], states[:-1]])            # h_{t−1} for t = 1 … T
    eps = torch.zeros_like(states)
    delta = torch.zeros_like(states)
    carried = torch.zeros_like(h0)                           # W_hhᵀ ε_{t+1}
    for t in range(T - 1, -1, -1):
        if truncate is not None and (t + 1) % truncate == 0:
            carried = torch.zeros_like(carried)              # window boundary after step t: graph cut here
        delta[t] = grad_states[t] + carried                  # δ_t = g_t + W_hhᵀ ε_{t+1}
        eps[t] = delta[t] * (1 - states[t] ** 2)             # ε_t = δ_t ⊙ (1 − h_t²)
        carried = eps[t] @ weight_hh                         # (W_hhᵀ ε_t)ᵀ for a row-vector batch
    return BPTTGradients(
        x=eps @ weight_xh,
        h0=carried,                                          # ∂L/∂h_0 = W_hhᵀ ε_1
        weight_xh=torch.einsum("tbh,tbi->hi", eps, x),
        weight_hh=torch.einsum("tbh,tbk->hk", eps, previous),
        bias=eps.sum(dim=(0, 1)),
        delta=delta,
    )


def matrix_with_spectral_radius(n: int, radius: float, *, seed: int = 0, dtype=torch.float64) -> torch.Tensor:
    """A random Gaussian ``(n, n)`` matrix rescaled so that its largest ``|eigenvalue|`` is ``radius``."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    if not radius > 0:
        raise ValueError(f"radius must be positive, got {radius}")
    W = torch.randn(n, n, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    W = W * radius / torch.linalg.eigvals(W).abs().max()
    return W.to(dtype)


def jacobian_norms(weight_hh: torch.Tensor, steps: int, *, input_scale: float = 1.0, linear: bool = False,
                   seed: int = 0) -> torch.Tensor:
    """``‖∂h_T/∂h_{T−k}‖₂`` for ``k = 0 … steps``: ``weight_hh: (H, H)`` → ``(steps + 1,)``.

    The recurrence runs ``steps`` steps from ``h_0 = 0`` on inputs ``input_scale · N(0, I)``
    (one sequence, ``W_xh = I``, ``b = 0``). Each step's Jacobian is
    ``∂h_t/∂h_{t−1} = diag(1 − h_t²) W_hh`` (``W_hh`` alone when ``linear``), and the products
    ``J_T J_{T−1} ⋯ J_{T−k+1}`` are accumulated from the end.
    """
    if weight_hh.dim() != 2 or weight_hh.shape[0] != weight_hh.shape[1]:
        raise ValueError(f"weight_hh must be square (H, H), got {tuple(weight_hh.shape)}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    W = weight_hh.detach().to(torch.float64)
    H = len(W)
    inputs = input_scale * torch.randn(steps, H, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    h, jacobians = torch.zeros(H, dtype=torch.float64), []
    for x_t in inputs:
        pre = W @ h + x_t
        h = pre if linear else torch.tanh(pre)
        jacobians.append(W if linear else (1 - h ** 2)[:, None] * W)   # diag(1 − h_t²) W_hh
    product, norms = torch.eye(H, dtype=torch.float64), [1.0]
    for J in reversed(jacobians):
        product = product @ J                               # ∂h_T/∂h_{t−1} = (∂h_T/∂h_t) J_t
        norms.append(torch.linalg.matrix_norm(product, ord=2).item())
    return torch.tensor(norms, dtype=torch.float64)
