"""The infinite-width NTK of a deep ReLU MLP by the arc-cosine recursion (Jacot et al. 2018; Arora et al. 2019).

For the network of :class:`dlbook.ntk.NTKMLP` (``depth`` hidden ReLU layers, NTK parameterisation, weight
and bias scales ``σ_w``, ``σ_b``), as every width grows the pre-activations of layer ``l`` become a
Gaussian process with covariance ``Σˡ`` and the tangent kernel becomes the deterministic ``Θ``:

    Σ¹(x, x′) = σ_w² x·x′/D + σ_b²,                       Θ¹ = Σ¹,
    Σˡ⁺¹ = σ_w² E[relu(u) relu(v)] + σ_b²,                 Σ̇ˡ⁺¹ = σ_w² E[relu′(u) relu′(v)],
    Θˡ⁺¹ = Θˡ Σ̇ˡ⁺¹ + Σˡ⁺¹,                                 (u, v) ~ N(0, Σˡ restricted to x, x′),

and the output's kernel is ``Θ^{depth+1}``. Both expectations have closed forms in the angle
``φ = arccos ρ`` between ``u`` and ``v`` (the arc-cosine kernels of degree 1 and 0, Cho and Saul 2009).
"""
from __future__ import annotations

import math

import torch

from ._args import check_inputs, check_nonnegative, check_positive_int


def relu_expectations(var1: torch.Tensor, cov: torch.Tensor, var2: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``E[relu(u) relu(v)]`` and ``E[relu′(u) relu′(v)]`` for ``(u, v)`` centred Gaussian.

    ``var1 = Var u``, ``var2 = Var v`` and ``cov = Cov(u, v)`` broadcast together (e.g. ``(N1, 1)``,
    ``(N1, N2)``, ``(1, N2)``). With ``ρ = cov/√(var1·var2)`` and ``φ = arccos ρ``:
    ``E[relu(u) relu(v)] = √(var1·var2)·(sin φ + (π − φ) cos φ)/(2π)`` and
    ``E[relu′(u) relu′(v)] = (π − φ)/(2π)``.
    """
    for name, t in (("var1", var1), ("cov", cov), ("var2", var2)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a tensor, got {type(t).__name__}")
    if (var1 < 0).any() or (var2 < 0).any():
        raise ValueError("variances var1 and var2 must be non-negative")
    scale = torch.sqrt(var1 * var2)
    rho = (cov / scale.clamp_min(torch.finfo(scale.dtype).tiny)).clamp(-1.0, 1.0)
    phi = torch.arccos(rho)
    both = scale * (torch.sin(phi) + (math.pi - phi) * torch.cos(phi)) / (2 * math.pi)
    gates = (math.pi - phi) / (2 * math.pi)
    return both, gates


def relu_ntk(x1: torch.Tensor, x2: torch.Tensor | None = None, depth: int = 1, *, weight_std: float = math.sqrt(2.0),
             bias_std: float = 0.0, return_nngp: bool = False):
    """The analytic NTK of an infinitely wide ReLU MLP with ``depth`` hidden layers: ``(N1, D), (N2, D) → (N1, N2)``.

    ``weight_std`` and ``bias_std`` are ``σ_w`` and ``σ_b`` of :class:`dlbook.ntk.NTKMLP`. Computed in
    float64 (and returned in the inputs' dtype at least as precise). With ``return_nngp=True`` also
    returns the output's Gaussian-process covariance ``Σ^{depth+1}`` (the NNGP kernel of the network at
    initialisation), as ``(ntk, nngp)``.
    """
    check_inputs("x1", x1)
    if x1.ndim != 2:
        raise ValueError(f"x1 must have shape (N, D), got {tuple(x1.shape)}")
    x2 = x1 if x2 is None else check_inputs("x2", x2, features=tuple(x1.shape[1:]))
    check_positive_int("depth", depth)
    sw2, sb2 = check_nonnegative("weight_std", weight_std) ** 2, check_nonnegative("bias_std", bias_std) ** 2
    dtype = torch.promote_types(x1.dtype, torch.float64)
    a, b = x1.to(torch.float64), x2.to(torch.float64)
    d = a.shape[1]
    var1 = (sw2 * (a * a).sum(1) / d + sb2)[:, None]  # Σ(x, x): (N1, 1)
    var2 = (sw2 * (b * b).sum(1) / d + sb2)[None, :]  # (1, N2)
    cov = sw2 * a @ b.T / d + sb2  # Σ(x, x′): (N1, N2)
    ntk = cov
    for _ in range(depth):
        both, gates = relu_expectations(var1, cov, var2)
        diag1, _ = relu_expectations(var1, var1, var1)  # E[relu(u)²] = Var u / 2
        diag2, _ = relu_expectations(var2, var2, var2)
        cov, dot = sw2 * both + sb2, sw2 * gates
        var1, var2 = sw2 * diag1 + sb2, sw2 * diag2 + sb2
        ntk = ntk * dot + cov  # Θˡ⁺¹ = Θˡ Σ̇ˡ⁺¹ + Σˡ⁺¹
    ntk = ntk.to(dtype)
    return (ntk, cov.to(dtype)) if return_nngp else ntk
