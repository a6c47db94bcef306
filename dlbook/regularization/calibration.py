"""How trustworthy predicted probabilities are: reliability diagrams, calibration error and scores."""
from __future__ import annotations

import torch
from torch.nn import functional as F

from ..train import accuracy


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
