"""Turn a derivation into a verified fact.

Each helper computes a hand-derived quantity and a reference (autograd, central
finite differences, SymPy, a closed form or a torch built-in), compares them in
float64, and returns a :class:`CheckResult` — or raises ``AssertionError``
with a readable message when they disagree. Chapters call these in their
verification cells, so a wrong formula fails the build.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import torch


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check. Its text is stable (no measured digits), so cells can pin it."""

    name: str
    against: str
    max_abs_err: float
    max_rel_err: float
    atol: float
    rtol: float

    def __repr__(self) -> str:
        if self.atol == 0 and self.rtol == 0:
            return f"✓ {self.name} matches {self.against} exactly"
        return f"✓ {self.name} matches {self.against} (atol={self.atol:.0e}, rtol={self.rtol:.0e})"

    def report(self) -> str:
        """The measured errors too, for reading rather than pinning."""
        return f"{self!r}: max |Δ| = {self.max_abs_err:.2e}, max relative Δ = {self.max_rel_err:.2e}"


def _as_float64(x) -> torch.Tensor:
    if isinstance(x, torch.Tensor):
        return x.detach().to("cpu", torch.float64)
    return torch.as_tensor(np.asarray(x, dtype=np.float64))


def _tuple(x) -> tuple:
    """Several values to compare: a tuple, or a list of tensors. A list of numbers is one array."""
    if isinstance(x, tuple) or (isinstance(x, list) and x and all(isinstance(i, torch.Tensor) for i in x)):
        return tuple(x)
    return (x,)


def close(actual, expected, *, name: str = "value", against: str = "the reference",
          atol: float = 1e-8, rtol: float = 1e-6) -> CheckResult:
    """Assert ``|actual - expected| <= atol + rtol·|expected|`` elementwise (tensors, arrays or numbers)."""
    actual_parts, expected_parts = _tuple(actual), _tuple(expected)
    if len(actual_parts) != len(expected_parts):
        raise AssertionError(f"{name}: {len(actual_parts)} values to compare with {len(expected_parts)} references")
    worst_abs = worst_rel = 0.0
    for i, (a, e) in enumerate(zip(actual_parts, expected_parts)):
        a, e = _as_float64(a), _as_float64(e)
        if a.shape != e.shape:
            raise AssertionError(f"{name}: shape {tuple(a.shape)} does not match {against}'s {tuple(e.shape)}")
        if not torch.isfinite(a).all():
            raise AssertionError(f"{name}: contains NaN or inf")
        diff = (a - e).abs()
        worst_abs = max(worst_abs, float(diff.max()) if diff.numel() else 0.0)
        rel = diff / e.abs().clamp_min(1e-300)
        worst_rel = max(worst_rel, float(rel.max()) if rel.numel() else 0.0)
        bad = diff > atol + rtol * e.abs()
        if bad.any():
            where = tuple(int(j) for j in torch.nonzero(bad)[0])
            raise AssertionError(
                f"{name} does not match {against}: at index {where}{f' of part {i}' if len(actual_parts) > 1 else ''} "
                f"got {float(a[where]):.6g}, expected {float(e[where]):.6g} "
                f"(|Δ| = {float(diff[where]):.3g} > atol {atol:g} + rtol {rtol:g}·|expected|)")
    return CheckResult(name, against, worst_abs, worst_rel, atol, rtol)


def finite_differences(f: Callable[..., torch.Tensor], *inputs: torch.Tensor, eps: float = 1e-6,
                       dtype: torch.dtype = torch.float64) -> tuple[torch.Tensor, ...]:
    """Central differences ``(f(x + εe_i) − f(x − εe_i)) / 2ε`` of a scalar ``f``: one gradient per input,
    of the input's shape. The inputs are perturbed and ``f`` evaluated in ``dtype`` (float64 unless asked
    otherwise, e.g. ``torch.float32`` to see what single precision does to the estimate)."""
    if not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
        raise TypeError(f"dtype must be a floating-point torch.dtype, got {dtype!r}")
    xs = [_as_float64(x).to(dtype).clone() for x in inputs]
    grads = []
    for x in xs:
        g = torch.zeros_like(x)
        flat, gflat = x.view(-1), g.view(-1)
        for i in range(flat.numel()):
            old = flat[i].item()
            flat[i] = old + eps
            up = float(f(*xs))
            flat[i] = old - eps
            down = float(f(*xs))
            flat[i] = old
            gflat[i] = (up - down) / (2 * eps)
        grads.append(g)
    return tuple(grads)


def autograd(f: Callable[..., torch.Tensor], *inputs: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """Gradients of a scalar ``f`` with respect to every input, by torch autograd in float64."""
    xs = [_as_float64(x).requires_grad_(True) for x in inputs]
    out = f(*xs)
    if not isinstance(out, torch.Tensor) or out.numel() != 1:
        raise ValueError(f"f must return a scalar tensor, got {type(out).__name__} "
                         f"{tuple(out.shape) if isinstance(out, torch.Tensor) else ''}")
    if not out.requires_grad:  # no graph back to the inputs (e.g. a step function): autograd's answer is zero
        return tuple(torch.zeros_like(x) for x in xs)
    return torch.autograd.grad(out.reshape(()), xs, allow_unused=True, materialize_grads=True)


def grad(f: Callable[..., torch.Tensor], manual_grad: Callable[..., torch.Tensor | Sequence[torch.Tensor]],
         *inputs: torch.Tensor, name: str = "gradient", atol: float = 1e-8, rtol: float = 1e-6,
         finite_diff: bool = True, eps: float = 1e-6, fd_atol: float = 1e-5) -> CheckResult:
    """Check a hand-derived gradient against autograd (and, by default, finite differences).

    ``f(*inputs)`` is a scalar; ``manual_grad(*inputs)`` returns one gradient per
    input (a tensor for a single input). Both are evaluated in float64.
    """
    if not inputs:
        raise ValueError("grad needs at least one input tensor")
    xs = [_as_float64(x) for x in inputs]
    reference = autograd(f, *xs)
    derived = _tuple(manual_grad(*[x.clone() for x in xs]))
    result = close(derived, reference, name=name, against="autograd", atol=atol, rtol=rtol)
    if finite_diff:
        close(reference, finite_differences(f, *xs, eps=eps), name=f"{name} (autograd)",
              against="central finite differences", atol=fd_atol, rtol=1e-4)
        result = CheckResult(name, "autograd and finite differences", result.max_abs_err, result.max_rel_err, atol, rtol)
    return result


def jacobian(f: Callable[[torch.Tensor], torch.Tensor], manual_jacobian: Callable[[torch.Tensor], torch.Tensor],
             x: torch.Tensor, *, name: str = "Jacobian", atol: float = 1e-8, rtol: float = 1e-6) -> CheckResult:
    """Check a hand-derived Jacobian ``∂f/∂x`` (shape ``f(x).shape + x.shape``) against autograd."""
    x = _as_float64(x)
    reference = torch.autograd.functional.jacobian(f, x)
    return close(manual_jacobian(x.clone()), reference, name=name, against="autograd", atol=atol, rtol=rtol)


def symbolic(derived, expected, *, name: str = "expression") -> CheckResult:
    """Assert two SymPy expressions are identical: ``simplify(derived - expected) == 0``."""
    import sympy

    difference = sympy.simplify(sympy.sympify(derived) - sympy.sympify(expected))
    if difference != 0:
        raise AssertionError(f"{name}: {derived} and {expected} differ by {difference}")
    return CheckResult(name, "SymPy", 0.0, 0.0, 0.0, 0.0)


def relative_error(a, b) -> float:
    """``max |a − b| / max(|a|, |b|)`` — the measure gradient checks report (0 when both are 0)."""
    a, b = _as_float64(a), _as_float64(b)
    scale = torch.maximum(a.abs(), b.abs()).max()
    return 0.0 if scale == 0 else float((a - b).abs().max() / scale)


def _float64(x):
    """Floating tensors in float64 (integer tensors, e.g. class indices, stay as they are)."""
    return x.detach().to(torch.float64) if x.is_floating_point() else x


def _outputs_and_gradients(f, params: dict, inputs: Sequence[torch.Tensor], seed: int):
    """``f(*inputs)`` and the gradients of a random weighting of its outputs with respect to the floating
    inputs and to ``params`` (by name)."""
    leaves = [x.detach().clone().requires_grad_(x.is_floating_point()) for x in inputs]
    outs = _tuple(f(*leaves))
    outs = tuple(o for o in outs if isinstance(o, torch.Tensor))
    gen = torch.Generator().manual_seed(seed)
    weights = [torch.randn(o.shape, generator=gen, dtype=torch.float64).to(o.dtype) for o in outs]
    differentiable = [(o, w) for o, w in zip(outs, weights) if o.requires_grad]
    wrt = [x for x in leaves if x.requires_grad] + list(params.values())
    grads = torch.autograd.grad([o for o, _ in differentiable], wrt, [w for _, w in differentiable],
                                allow_unused=True, materialize_grads=True) if differentiable and wrt else ()
    n_inputs = len(wrt) - len(params)
    return ([o.detach() for o in outs], list(grads[:n_inputs]), dict(zip(params, grads[n_inputs:])))


def same_as_torch(ours, theirs, *inputs: torch.Tensor, name: str | None = None, modes: Sequence[str] = ("train", "eval"),
                  copy_state: bool = True, atol: float = 1e-10, rtol: float = 1e-8, seed: int = 0) -> CheckResult:
    """Assert that a from-scratch ``ours`` computes what its torch twin ``theirs`` computes, in float64.

    ``ours`` and ``theirs`` are modules (or plain functions, such as losses); ``inputs`` are
    what both are called with. Modules are converted to float64 in place, and with
    ``copy_state`` ``ours`` first receives ``theirs``' state dict (so parameter and buffer
    names must agree). Then, in each of ``modes`` in turn, the check compares the
    outputs, the gradients of a random weighting of the outputs with respect to every
    floating input and every parameter, and every buffer after the call (running
    statistics, power-iteration vectors).
    """
    name = name or (type(ours).__name__ if isinstance(ours, torch.nn.Module) else getattr(ours, "__name__", "ours"))
    modules = [isinstance(m, torch.nn.Module) for m in (ours, theirs)]
    if modules[0] != modules[1]:
        raise TypeError(f"{name}: compare a module with a module, or a function with a function")
    for mode in modes:
        if mode not in ("train", "eval"):
            raise ValueError(f"modes must be 'train' and/or 'eval', got {mode!r}")
    for i, x in enumerate(inputs):
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"{name}: input {i} must be a tensor, got {type(x).__name__}")
    inputs = [_float64(x) for x in inputs]
    if modules[0]:
        ours.double(), theirs.double()
        if copy_state:
            ours.load_state_dict(theirs.state_dict())
    worst_abs = worst_rel = 0.0

    def compare(a, b, what):
        nonlocal worst_abs, worst_rel
        result = close(a, b, name=f"{name} ({what})", against="torch", atol=atol, rtol=rtol)
        worst_abs, worst_rel = max(worst_abs, result.max_abs_err), max(worst_rel, result.max_rel_err)

    for mode in modes if modules[0] else ("function",):
        if modules[0]:
            ours.train(mode == "train"), theirs.train(mode == "train")
        params = [dict(m.named_parameters()) if isinstance(m, torch.nn.Module) else {} for m in (ours, theirs)]
        if params[0].keys() != params[1].keys():
            raise AssertionError(f"{name}: parameters {sorted(params[0])} differ from torch's {sorted(params[1])}")
        (out_a, gin_a, gp_a), (out_b, gin_b, gp_b) = (
            _outputs_and_gradients(m, p, inputs, seed) for m, p in zip((ours, theirs), params))
        if len(out_a) != len(out_b):
            raise AssertionError(f"{name}: {len(out_a)} outputs, torch gives {len(out_b)}")
        for i, (a, b) in enumerate(zip(out_a, out_b)):
            compare(a, b, f"{mode}: output {i}")
        for i, (a, b) in enumerate(zip(gin_a, gin_b)):
            compare(a, b, f"{mode}: gradient of input {i}")
        for key in gp_a:
            compare(gp_a[key], gp_b[key], f"{mode}: gradient of {key}")
        if modules[0]:
            buffers = [dict(m.named_buffers()) for m in (ours, theirs)]
            if buffers[0].keys() != buffers[1].keys():
                raise AssertionError(f"{name}: buffers {sorted(buffers[0])} differ from torch's {sorted(buffers[1])}")
            for key in buffers[0]:
                compare(buffers[0][key], buffers[1][key], f"{mode}: buffer {key}")
    what = "torch in " + " and ".join(modes) if modules[0] else "torch"
    return CheckResult(name, what + " (outputs, gradients, buffers)" if modules[0] else what + " (outputs, gradients)",
                       worst_abs, worst_rel, atol, rtol)
