"""Networks built with a chosen normalisation layer, and probes that measure what normalisation does inside them.

The layers themselves live in :mod:`dlbook.normalization`; this module puts them to
work (a deep ReLU MLP with any of them, a network steered by conditional batch norm)
and measures their effect: which inputs share statistics, and what every ReLU sees
in training and in evaluation mode.
"""
from __future__ import annotations

import copy
from typing import Callable, Sequence

import torch
from torch import nn

from . import normalization

NORMS = ("none", "batch", "layer", "group")


def norm_layer(norm: str, num_features: int, groups: int = 8) -> nn.Module:
    """A normalisation of ``(N, num_features)`` activations → the same shape: one of :data:`NORMS`."""
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
    if norm == "batch":
        return normalization.BatchNorm1d(num_features)
    if norm == "layer":
        return normalization.LayerNorm(num_features)
    if norm == "group":
        return normalization.GroupNorm(groups, num_features)
    return nn.Identity()


def deep_mlp(norm: str = "none", depth: int = 8, in_features: int = 64, width: int = 64, out_features: int = 10,
             groups: int = 8) -> nn.Sequential:
    """``depth`` blocks Linear → normalisation → ReLU, then a linear read-out.

    ``x: (N, in_features) → (N, out_features)``; ``norm`` is one of :data:`NORMS`.

    The linear layers are He-initialised for ReLU (normal weights of variance 2/fan-in, zero
    biases), so even without normalisation the activations keep their scale, on average, at initialisation.
    """
    sizes = dict(depth=depth, in_features=in_features, width=width, out_features=out_features)
    for name, value in sizes.items():
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    layers, fan_in = [], in_features
    for _ in range(depth):
        linear = nn.Linear(fan_in, width)
        nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        nn.init.zeros_(linear.bias)
        layers += [linear, norm_layer(norm, width, groups), nn.ReLU()]
        fan_in = width
    return nn.Sequential(*layers, nn.Linear(fan_in, out_features))


class QuestionNet(nn.Module):
    """A yes/no classifier asked one of ``num_questions`` questions about an input, through conditional batch norm.

    ``inputs: (N, in_features + 1)``, the features followed by the question index (see
    :meth:`ask`) → ``(N,)`` logits of "yes". The question reaches the network *only* through
    the per-question scale and shift γ_c, β_c of its conditional batch norms; with
    ``conditional=False`` they are ordinary batch norms, and the network cannot tell the
    questions apart. (The question travels as a column so that ``dlbook.fit`` can feed it.)
    """

    def __init__(self, in_features: int = 64, num_questions: int = 4, width: int = 64, depth: int = 2,
                 conditional: bool = True):
        super().__init__()
        if num_questions < 1 or depth < 1:
            raise ValueError(f"num_questions and depth must be positive, got {num_questions} and {depth}")
        self.in_features, self.num_questions, self.conditional = in_features, num_questions, conditional
        self.linears = nn.ModuleList([nn.Linear(in_features if i == 0 else width, width) for i in range(depth)])
        self.norms = nn.ModuleList([normalization.ConditionalBatchNorm(width, num_questions) if conditional
                                    else normalization.BatchNorm1d(width) for _ in range(depth)])
        self.out = nn.Linear(width, 1)

    @staticmethod
    def ask(x: torch.Tensor, questions: torch.Tensor) -> torch.Tensor:
        """Features ``x: (N, in_features)`` and question indices ``questions: (N,)`` → inputs ``(N, in_features + 1)``."""
        if x.ndim != 2 or questions.shape != x.shape[:1]:
            raise ValueError(f"need features (N, F) and one question per row, "
                             f"got {tuple(x.shape)} and {tuple(questions.shape)}")
        return torch.cat([x, questions[:, None].to(x.dtype)], dim=1)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        if inputs.ndim != 2 or inputs.shape[1] != self.in_features + 1:
            raise ValueError(f"expected inputs of shape (N, {self.in_features} + 1), features then the question, "
                             f"got {tuple(inputs.shape)}")
        h, question = inputs[:, :-1], inputs[:, -1]
        if not torch.equal(question, question.round()) or len(question) and not (
                0 <= float(question.min()) <= float(question.max()) < self.num_questions):
            raise ValueError(f"the last column must hold question indices in [0, {self.num_questions})")
        question = question.long()
        for linear, norm in zip(self.linears, self.norms):
            h = linear(h)
            h = torch.relu(norm(h, question) if self.conditional else norm(h))
        return self.out(h).squeeze(1)


QUESTIONS = ("even", "≥ 5", "divisible by 3", "in {0, 6, 8, 9}")  # yes/no questions about a digit 0–9


def answers(digits: torch.Tensor) -> torch.Tensor:
    """The answers to :data:`QUESTIONS` about each digit: ``digits: (N,)`` ints in 0–9 → ``(N, 4)`` bools."""
    if digits.ndim != 1 or digits.dtype.is_floating_point or len(digits) and not (
            0 <= int(digits.min()) <= int(digits.max()) <= 9):
        raise ValueError(f"digits must be a 1-D integer tensor of values 0–9, got {digits.dtype} of shape "
                         f"{tuple(digits.shape)}")
    loops = torch.tensor([0, 6, 8, 9], device=digits.device)
    return torch.stack([digits % 2 == 0, digits >= 5, digits % 3 == 0, torch.isin(digits, loops)], dim=1)


def with_questions(images: torch.Tensor, digits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Every image asked every one of :data:`QUESTIONS`, as a data set for :class:`QuestionNet`.

    ``images: (N, F)``, ``digits: (N,)`` → inputs ``(4N, F + 1)`` (see :meth:`QuestionNet.ask`)
    targets ``(4N,)`` in the images' dtype, 1 for "yes". Row ``q·N + i`` asks question ``q`` about image ``i``.
    """
    if images.ndim != 2 or digits.shape != images.shape[:1]:
        raise ValueError(f"need images (N, F) and one digit per image, got {tuple(images.shape)} and "
                         f"{tuple(digits.shape)}")
    questions = torch.arange(len(QUESTIONS)).repeat_interleave(len(images))
    inputs = QuestionNet.ask(images.repeat(len(QUESTIONS), 1), questions)
    return inputs, answers(digits).T.reshape(-1).to(images.dtype)


# ------------------------------------------------------------------ probes

def shares_statistics(norm: Callable[[torch.Tensor], torch.Tensor], shape: Sequence[int],
                      index: Sequence[int]) -> torch.Tensor:
    """Which inputs the output ``norm(x)[index]`` depends on, read off autograd: a bool tensor of ``shape``.

    An output depends on exactly the inputs that share its mean and variance, so this
    is the set a normalisation averages over, measured rather than assumed.
    """
    if len(index) != len(shape):
        raise ValueError(f"index {tuple(index)} must pick one output of shape {tuple(shape)}")
    x = torch.randn(tuple(shape), dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    x.requires_grad_(True)
    (grad,) = torch.autograd.grad(norm(x)[tuple(index)], x)
    return grad != 0


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
    seen: list[torch.Tensor] = []
    for relu in relus:
        relu.register_forward_hook(lambda _m, args, _out: seen.append(args[0].detach()))
    with torch.no_grad():
        for i in range(0, len(inputs) - batch_size + 1, batch_size):
            model(inputs[i : i + batch_size])
    return [torch.cat(seen[layer :: len(relus)]) for layer in range(len(relus))]


def layer_stats(model: nn.Module, inputs: torch.Tensor, batch_size: int) -> dict[str, list[float]]:
    """Per ReLU: ``std``, the spread of its inputs in evaluation mode, and ``gap``, how much training mode changes them.

    ``gap = std(a_train − a_eval) / std(a_eval)``, measured on ``inputs: (N, …)`` in batches of
    ``batch_size``: zero for a network that computes the same function in both modes.
    """
    evaluation, training = (relu_inputs(model, inputs, batch_size, mode) for mode in (False, True))
    return dict(std=[float(a.std()) for a in evaluation],
                gap=[float((t - a).std() / a.std()) for a, t in zip(evaluation, training)])
