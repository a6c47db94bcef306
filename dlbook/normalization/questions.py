"""A network steered by conditional batch norm: one classifier, several yes/no questions about a digit.

The network is called as ``net(x, question)``; the question reaches it only through the
per-question scale and shift of its conditional batch norms
(:class:`dlbook.normalization.ConditionalBatchNorm`).
"""
from __future__ import annotations

import torch
from torch import nn

from .layers import BatchNorm1d, ConditionalBatchNorm


class QuestionNet(nn.Module):
    """A yes/no classifier asked one of ``num_questions`` questions about an input, through conditional batch norm.

    ``x: (N, in_features)`` features and ``question: (N,)`` integer question indices in
    ``[0, num_questions)`` → ``(N,)`` logits of "yes". The question reaches the network *only*
    through the per-question scale and shift γ_c, β_c of its conditional batch norms; with
    ``conditional=False`` they are ordinary batch norms, and the network cannot tell the
    questions apart.
    """

    def __init__(self, in_features: int = 64, num_questions: int = 4, width: int = 64, depth: int = 2,
                 conditional: bool = True):
        super().__init__()
        if num_questions < 1 or depth < 1:
            raise ValueError(f"num_questions and depth must be positive, got {num_questions} and {depth}")
        self.in_features, self.num_questions, self.conditional = in_features, num_questions, conditional
        self.linears = nn.ModuleList([nn.Linear(in_features if i == 0 else width, width) for i in range(depth)])
        self.norms = nn.ModuleList([ConditionalBatchNorm(width, num_questions) if conditional
                                    else BatchNorm1d(width) for _ in range(depth)])
        self.out = nn.Linear(width, 1)

    def forward(self, x: torch.Tensor, question: torch.Tensor) -> torch.Tensor:
        if x.ndim != 2 or x.shape[1] != self.in_features:
            raise ValueError(f"expected features of shape (N, {self.in_features}), got {tuple(x.shape)}")
        if not isinstance(question, torch.Tensor) or question.dtype.is_floating_point or question.dtype == torch.bool:
            raise TypeError(f"question must be an integer tensor of question indices, got "
                            f"{question.dtype if isinstance(question, torch.Tensor) else type(question).__name__}")
        if question.shape != x.shape[:1]:
            raise ValueError(f"need one question per row: features {tuple(x.shape)}, questions {tuple(question.shape)}")
        if len(question) and not 0 <= int(question.min()) <= int(question.max()) < self.num_questions:
            raise ValueError(f"question indices must lie in [0, {self.num_questions}), "
                             f"got {int(question.min())}..{int(question.max())}")
        h, question = x, question.long()
        for linear, norm in zip(self.linears, self.norms):
            h = linear(h)
            h = torch.relu(norm(h, question) if self.conditional else norm(h))  # only here does the question enter
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


def with_questions(images: torch.Tensor, digits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Every image asked every one of :data:`QUESTIONS`: a data set ``(inputs, questions, targets)`` for
    :class:`QuestionNet`, as :func:`dlbook.fit` takes it.

    ``images: (N, F)``, ``digits: (N,)`` → inputs ``(4N, F)``, question indices ``(4N,)`` (int64)
    and targets ``(4N,)`` in the images' dtype, 1 for "yes". Row ``q·N + i`` asks question ``q`` about image ``i``.
    """
    if images.ndim != 2 or digits.shape != images.shape[:1]:
        raise ValueError(f"need images (N, F) and one digit per image, got {tuple(images.shape)} and "
                         f"{tuple(digits.shape)}")
    questions = torch.arange(len(QUESTIONS), device=images.device).repeat_interleave(len(images))
    targets = answers(digits).T.reshape(-1).to(images.dtype)
    return images.repeat(len(QUESTIONS), 1), questions, targets
