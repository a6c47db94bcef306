"""Nadaraya–Watson kernel regression (1964), the oldest attention: predict at ``x`` the weighted mean of the
training targets, with weights from a kernel that compares ``x`` (the query) with each ``x_i`` (the keys).

With a Gaussian kernel of bandwidth ``h``, ``α_i(x) = softmax_i(−(x − x_i)² / 2h²)`` and
``f(x) = Σ_i α_i(x) y_i``. The bandwidth can be fixed or learned by gradient descent on the
leave-one-out error (a point may not look itself up).
"""
from __future__ import annotations

import torch

from ..history import History


def _check_1d(t, name):
    if not isinstance(t, torch.Tensor) or not t.is_floating_point() or t.dim() != 1:
        raise ValueError(f"{name} must be a 1-D floating-point tensor")


def nadaraya_watson(query: torch.Tensor, keys: torch.Tensor, values: torch.Tensor,
                    bandwidth: float | torch.Tensor = 1.0, exclude_self: bool = False):
    """query ``(M,)``, keys ``(N,)``, values ``(N,)`` → ``(predictions (M,), weights (M, N))``.

    ``weights = softmax(−(query − keys)² / 2h²)`` along keys. ``exclude_self`` (``M = N``, the query
    being the keys) gives each point zero weight on itself: the leave-one-out prediction.
    """
    for t, name in ((query, "query"), (keys, "keys"), (values, "values")):
        _check_1d(t, name)
    if keys.shape != values.shape:
        raise ValueError(f"keys {tuple(keys.shape)} and values {tuple(values.shape)} must match")
    if not torch.all(torch.as_tensor(bandwidth) > 0):
        raise ValueError(f"bandwidth must be positive, got {bandwidth}")
    scores = -(query[:, None] - keys[None, :]) ** 2 / (2 * torch.as_tensor(bandwidth) ** 2)  # (M, N)
    if exclude_self:
        if query.shape != keys.shape:
            raise ValueError("exclude_self needs the query to be the keys")
        scores = scores.masked_fill(torch.eye(len(keys), dtype=torch.bool, device=keys.device), float("-inf"))
    weights = torch.softmax(scores, dim=1)
    return weights @ values, weights


def fit_bandwidth(x: torch.Tensor, y: torch.Tensor, *, init: float = 1.0, steps: int = 200,
                  lr: float = 0.05) -> tuple[float, History]:
    """Learn ``h`` (as ``log h``) by Adam on the leave-one-out squared error of :func:`~dlbook.attention.nadaraya_watson`
    on ``(x, y): (N,)`` → ``(h, history of the loss per step)``; Ctrl-C returns what was learned so far."""
    _check_1d(x, "x"), _check_1d(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x {tuple(x.shape)} and y {tuple(y.shape)} must match")
    if not init > 0:
        raise ValueError(f"init must be a positive bandwidth, got {init}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    log_h = torch.tensor(float(init), dtype=x.dtype).log().requires_grad_()
    optimizer = torch.optim.Adam([log_h], lr=lr)
    history = History()
    try:
        for step in range(1, steps + 1):
            loss = ((nadaraya_watson(x, x, y, log_h.exp(), exclude_self=True)[0] - y) ** 2).mean()
            if not torch.isfinite(loss):
                raise FloatingPointError(f"the leave-one-out loss became {loss.item()} at step {step}")
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            history.append(step, {"loss": loss.item()})
    except KeyboardInterrupt:
        history.interrupted = True
    return float(log_h.detach().exp()), history
