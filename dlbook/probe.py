"""Looking inside a network: what its layers compute, and its parameters as one vector.

Several chapters measure the same things — the spread of every layer's
pre-activations (initialisation), the activations themselves (initialisation,
normalisation), the inputs of every ReLU in training and in evaluation mode
(normalisation) — so they share one way of recording a layer: a forward hook
that is always removed again (:func:`recording`).
"""
from __future__ import annotations

import contextlib
import copy
from typing import Callable, Iterator, Sequence

import torch
from torch import nn


@contextlib.contextmanager
def recording(modules: Sequence[nn.Module], *, what: str = "output",
              keep: Callable[[torch.Tensor], torch.Tensor] = torch.Tensor.detach) -> Iterator[list[torch.Tensor]]:
    """Inside the ``with`` block, every call of one of ``modules`` appends ``keep(tensor)`` to the yielded list.

    ``what`` is ``"output"`` (what the module returns) or ``"input"`` (its first argument).
    The hooks are removed when the block ends, also after an error.
    """
    if what not in ("output", "input"):
        raise ValueError(f"what must be 'output' or 'input', got {what!r}")
    if not modules:
        raise ValueError("no module to record")
    seen: list[torch.Tensor] = []
    if what == "output":
        hooks = [m.register_forward_hook(lambda _m, _args, out: seen.append(keep(out))) for m in modules]
    else:
        hooks = [m.register_forward_hook(lambda _m, args, _out: seen.append(keep(args[0]))) for m in modules]
    try:
        yield seen
    finally:
        for hook in hooks:
            hook.remove()


def flat_parameters(model: nn.Module, dtype: torch.dtype | None = None) -> torch.Tensor:
    """Every parameter of ``model`` concatenated in ``model.parameters()`` order: ``θ: (P,)``, detached.

    ``dtype`` converts the vector (``torch.float64`` for Hessians and finite differences);
    by default it keeps the parameters' dtype.
    """
    theta = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    return theta if dtype is None else theta.to(dtype)


def parameters_from_flat(model: nn.Module, theta: torch.Tensor) -> dict[str, torch.Tensor]:
    """The inverse of :func:`flat_parameters`: ``θ: (P,)`` cut into ``{name: tensor}`` shaped like
    ``model.named_parameters()``, ready for ``torch.func.functional_call(model, params, inputs)``.

    The pieces are views of ``θ``, so gradients flow back to it.
    """
    named = list(model.named_parameters())
    sizes = [p.numel() for _, p in named]
    if theta.shape != (sum(sizes),):
        raise ValueError(f"θ must have shape ({sum(sizes)},) for this model, got {tuple(theta.shape)}")
    pieces = torch.split(theta, sizes)
    return {name: piece.reshape(p.shape) for (name, p), piece in zip(named, pieces)}


def layer_statistics(model: nn.Module, X: torch.Tensor, y: torch.Tensor | None = None,
                     loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor] | None = None) -> list[dict[str, float]]:
    """For each ``nn.Linear`` of ``model`` (input to output): the std of its output pre-activations and,
    when ``y`` and ``loss_fn`` are given, the norm of the loss gradient with respect to its weight.

    ``X: (N, in_features)``. The model's parameter gradients are left as they were.
    """
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError("model has no nn.Linear layer to measure")
    with recording(linears) as outputs, torch.enable_grad():
        out = model(X)
        grads = [None] * len(linears)
        if y is not None and loss_fn is not None:
            grads = torch.autograd.grad(loss_fn(out, y), [m.weight for m in linears])
    stats = []
    for a, g in zip(outputs, grads):
        # at least float32 (bf16 under autocast is too coarse), float64 kept: tiny and huge stds stay representable
        row = {"activation_std": float(a.to(torch.promote_types(a.dtype, torch.float32)).std())}
        if g is not None:
            row["grad_norm"] = float(g.norm())
        stats.append(row)
    return stats


def activation_samples(model: nn.Sequential, X: torch.Tensor, rows: int = 16) -> list[torch.Tensor]:
    """The outputs of every activation module of ``model`` on the first ``rows`` inputs, input to output.

    ``model`` is an ``nn.Sequential`` (such as ``dlbook.perceptron_mlp.MLP``); every child that
    is not an ``nn.Linear`` counts as an activation. ``X: (N, in_features)``;
    returns one detached CPU tensor ``(min(rows, N), width_l)`` per activation, in
    the model's dtype (float64 stays float64). The whole batch runs (a layer may
    mix rows, as batch normalisation does).
    """
    if not isinstance(model, nn.Sequential):
        raise TypeError(f"model must be an nn.Sequential, got {type(model).__name__}")
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
        raise ValueError(f"rows must be a positive int, got {rows!r}")
    activations = [m for m in model if not isinstance(m, nn.Linear)]
    if not activations:
        raise ValueError("model has no activation module between its linear layers")
    with recording(activations, keep=lambda out: out.detach()[:rows].cpu()) as samples, torch.no_grad():
        model(X)
    return samples


def relu_inputs(model: nn.Module, inputs: torch.Tensor, batch_size: int, training: bool) -> list[torch.Tensor]:
    """The input of every ``nn.ReLU`` of ``model`` (in call order), with ``inputs`` fed in batches of ``batch_size``.

    ``inputs: (N, …)`` → one ``(M, width)`` tensor per ReLU, where ``M`` = N rounded down to
    whole batches. Runs on a copy of ``model`` set to training or evaluation mode, so the
    model's own mode and running statistics are left as they were. Each ReLU module must be
    called once per forward pass.
    """
    if not isinstance(batch_size, int) or not 1 <= batch_size <= len(inputs):
        raise ValueError(f"batch_size must be an int in [1, {len(inputs)}] (the number of inputs), got {batch_size!r}")
    model = copy.deepcopy(model).train(training)
    relus = [m for m in model.modules() if isinstance(m, nn.ReLU)]
    if not relus:
        raise ValueError(f"{type(model).__name__} has no nn.ReLU module to observe")
    with recording(relus, what="input") as seen, torch.no_grad():
        for i in range(0, len(inputs) - batch_size + 1, batch_size):
            model(inputs[i : i + batch_size])
    return [torch.cat(seen[layer :: len(relus)]) for layer in range(len(relus))]


def relu_input_statistics(model: nn.Module, inputs: torch.Tensor, batch_size: int) -> dict[str, list[float]]:
    """Per ReLU: ``std``, the spread of its inputs in evaluation mode, and ``gap``, how much training mode changes them.

    ``gap = std(a_train − a_eval) / std(a_eval)``, measured on ``inputs: (N, …)`` in batches of
    ``batch_size``: zero for a network that computes the same function in both modes.
    """
    evaluation, training = (relu_inputs(model, inputs, batch_size, mode) for mode in (False, True))
    return dict(std=[float(a.std()) for a in evaluation],
                gap=[float((t - a).std() / a.std()) for a, t in zip(evaluation, training)])
