"""The empirical neural tangent kernel ``Θ(x, x′) = ∇_θ f(x) · ∇_θ f(x′)`` of a network, three ways.

``"loop"`` asks autograd for one gradient per example and output; ``"jacobian"`` gets every per-example
gradient at once with ``torch.func.jacrev`` vectorised by ``vmap``; ``"implicit"`` never forms a
Jacobian: it pulls a basis vector back through ``f(x′)`` (a vector–Jacobian product, ``J′ᵀu``) and
pushes the result forward through ``f(x)`` (a Jacobian–vector product, ``J J′ᵀu``). Only parameters
with ``requires_grad`` count: frozen ones are not trained, so they do not move the outputs.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.func import functional_call, jacrev, jvp, vjp, vmap

from ._args import check_choice, check_inputs, check_model

METHODS = ("jacobian", "loop", "implicit")
REDUCTIONS = ("none", "trace")


def _trainable(model: nn.Module) -> dict[str, torch.Tensor]:
    return {name: p.detach() for name, p in model.named_parameters() if p.requires_grad}


def _outputs(model: nn.Module, x: torch.Tensor) -> int:
    """The number of outputs K per example, from one forward pass on the first example."""
    with torch.no_grad():
        out = model(x[:1])
    if out.ndim == 1 or (out.ndim == 2 and out.shape[0] == 1):
        return 1 if out.ndim == 1 else out.shape[1]
    raise ValueError(f"model must map (N, ...) to (N,) or (N, K); it gave {tuple(out.shape)} for one example")


def _as_matrix(out: torch.Tensor) -> torch.Tensor:
    return out.reshape(out.shape[0], -1)  # (N,) or (N, K) → (N, K)


def parameter_jacobian(model: nn.Module, x: torch.Tensor, *, method: str = "jacobian") -> torch.Tensor:
    """Per-example gradients of every output: ``x: (N, ...) → J: (N, K, P)``, ``J[n, k] = ∇_θ f_k(x_n)``.

    ``P`` counts the trainable parameters in ``model.named_parameters()`` order (as
    :func:`dlbook.probe.flat_parameters` flattens them). ``method="loop"`` calls autograd once per
    example and output; ``"jacobian"`` uses ``vmap(jacrev(...))``. A scalar-output model has ``K = 1``.
    """
    check_model(model)
    check_inputs("x", x)
    check_choice("method", method, ("jacobian", "loop"))
    k = _outputs(model, x)
    params = _trainable(model)
    if method == "loop":
        trainable = [p for p in model.parameters() if p.requires_grad]
        rows = []
        for n in range(len(x)):
            out = _as_matrix(model(x[n:n + 1]))[0]  # (K,)
            for j in range(k):
                grads = torch.autograd.grad(out[j], trainable, retain_graph=j < k - 1, allow_unused=True,
                                            materialize_grads=True)
                rows.append(torch.cat([g.reshape(-1) for g in grads]))
        return torch.stack(rows).reshape(len(x), k, -1)
    buffers = dict(model.named_buffers())

    def one_example(p, xn):
        return functional_call(model, (p, buffers), (xn[None],)).reshape(-1)  # (K,)

    jac = vmap(jacrev(one_example), (None, 0))(params, x)  # {name: (N, K, *shape)}
    return torch.cat([j.reshape(len(x), k, -1) for j in jac.values()], dim=2)


def _implicit(model: nn.Module, x1: torch.Tensor, x2: torch.Tensor, k: int, chunk_size: int | None) -> torch.Tensor:
    params, buffers = _trainable(model), dict(model.named_buffers())

    def f(p, x):
        return _as_matrix(functional_call(model, (p, buffers), (x,)))

    _, pull_back = vjp(lambda p: f(p, x2), params)  # u: (N2, K) ↦ J2ᵀu, a parameter-shaped dict

    def column(u):
        (tangent,) = pull_back(u)
        return jvp(lambda p: f(p, x1), (params,), (tangent,))[1]  # J1 J2ᵀ u: (N1, K)

    basis = torch.eye(len(x2) * k, dtype=x2.dtype, device=x2.device).reshape(-1, len(x2), k)
    columns = vmap(column, chunk_size=chunk_size)(basis)  # (N2·K, N1, K)
    return columns.reshape(len(x2), k, len(x1), k).permute(2, 0, 3, 1)  # (N1, N2, K, K)


def empirical_ntk(model: nn.Module, x1: torch.Tensor, x2: torch.Tensor | None = None, *, method: str = "jacobian",
                  reduction: str = "none", chunk_size: int | None = None) -> torch.Tensor:
    """The empirical NTK of ``model`` at its current parameters.

    ``x1: (N1, ...)``, ``x2: (N2, ...)`` (default ``x1``). A scalar-output model (output ``(N,)`` or
    ``(N, 1)``) gives ``Θ: (N1, N2)``. A model with ``K > 1`` outputs gives ``Θ: (N1, N2, K, K)``,
    ``Θ[a, b, i, j] = ∇_θ f_i(x1_a) · ∇_θ f_j(x2_b)``; ``reduction="trace"`` instead returns the mean over
    outputs of the diagonal blocks, ``(1/K) Σ_i Θ[:, :, i, i]: (N1, N2)``.

    ``method``: ``"jacobian"`` (``vmap`` + ``jacrev``), ``"loop"`` (autograd per example) or
    ``"implicit"`` (``vjp`` then ``jvp``, no Jacobian; ``chunk_size`` bounds how many columns are
    vectorised at once). The three agree to rounding.
    """
    check_model(model)
    check_inputs("x1", x1)
    x2 = x1 if x2 is None else check_inputs("x2", x2, features=tuple(x1.shape[1:]))
    check_choice("method", method, METHODS)
    check_choice("reduction", reduction, REDUCTIONS)
    k = _outputs(model, x1)
    if method == "implicit":
        kernel = _implicit(model, x1, x2, k, chunk_size)
    else:
        j1 = parameter_jacobian(model, x1, method=method)
        j2 = j1 if x2 is x1 else parameter_jacobian(model, x2, method=method)
        n1, n2 = len(x1), len(x2)
        kernel = (j1.reshape(n1 * k, -1) @ j2.reshape(n2 * k, -1).T).reshape(n1, k, n2, k).permute(0, 2, 1, 3)
    kernel = kernel.detach()
    if k == 1:
        return kernel[:, :, 0, 0]
    return kernel.diagonal(dim1=2, dim2=3).mean(-1) if reduction == "trace" else kernel
