"""The score-function (REINFORCE, log-derivative) estimator of ``∇_θ E_{z∼p_θ}[f(z)]`` and its baselines."""
from __future__ import annotations

import torch

from ._checks import floating_tensor, real_tensor


def reinforce_surrogate(log_prob: torch.Tensor, reward: torch.Tensor, baseline=None) -> torch.Tensor:
    """A scalar whose gradient is the score-function estimate of ``∇_θ E[reward]``.

    ``mean_i ((reward_i − baseline_i).detach() · log_prob_i)``: ``log_prob`` ``(N, ...)`` (log ``p_θ(z_i)``,
    carrying the graph to ``θ``), ``reward`` the same shape, ``baseline`` ``None``, a number, or a tensor
    broadcastable to ``reward``'s shape ``→`` ``()``. No gradient flows into ``reward`` or ``baseline``.
    Gradient *ascent* on the surrogate raises ``E[reward]``; to minimise a loss ``f``, pass ``reward = f`` and
    descend (or pass ``reward = −f`` and ascend).
    """
    floating_tensor(log_prob, "log_prob")
    real_tensor(reward, "reward")
    if reward.shape != log_prob.shape:
        raise ValueError(f"reward and log_prob must have the same shape, got {tuple(reward.shape)} "
                         f"and {tuple(log_prob.shape)}")
    if log_prob.numel() == 0:
        raise ValueError("log_prob is empty: need at least one sample")
    advantage = reward.to(log_prob.dtype)
    if baseline is not None:
        if isinstance(baseline, (int, float)) and not isinstance(baseline, bool):
            baseline = torch.tensor(float(baseline), dtype=log_prob.dtype, device=log_prob.device)
        real_tensor(baseline, "baseline")
        try:
            shape = torch.broadcast_shapes(baseline.shape, reward.shape)
        except RuntimeError:
            shape = None
        if shape != reward.shape:
            raise ValueError(f"baseline of shape {tuple(baseline.shape)} does not broadcast to reward's shape "
                             f"{tuple(reward.shape)}")
        advantage = advantage - baseline.to(log_prob.dtype)
    return (advantage.detach() * log_prob).mean()


def leave_one_out_baseline(reward: torch.Tensor, dim: int = 0) -> torch.Tensor:
    """For each sample, the mean reward of the *other* samples: ``b_i = (Σ_j r_j − r_i) / (N − 1)``.

    ``reward``: ``(N, ...)`` with the ``N ≥ 2`` samples along ``dim`` ``→`` the same shape. ``b_i`` does not
    depend on sample ``i``, so subtracting it keeps the score-function estimate unbiased.
    """
    real_tensor(reward, "reward")
    if reward.ndim == 0:
        raise ValueError("reward must have a sample dimension, got a scalar")
    if not -reward.ndim <= dim < reward.ndim:
        raise ValueError(f"dim={dim} is out of range for reward of shape {tuple(reward.shape)}")
    n = reward.shape[dim]
    if n < 2:
        raise ValueError(f"a leave-one-out baseline needs at least 2 samples along dim {dim}, got {n}")
    reward = reward.to(torch.get_default_dtype()) if not reward.is_floating_point() else reward
    return (reward.sum(dim, keepdim=True) - reward) / (n - 1)


def score_function_gradients(reward: torch.Tensor, score: torch.Tensor, baseline=None) -> torch.Tensor:
    """Per-sample score-function gradient estimates ``(r_i − b_i) ∇_θ log p_θ(z_i)``.

    ``reward``: ``(N,)``; ``score``: ``(N, P)``, the score ``∇_θ log p_θ(z_i)`` of each sample;
    ``baseline``: ``None``, a number, ``(N,)`` per-sample values, ``(P,)`` one per parameter, or
    ``"leave-one-out"`` ``→`` ``(N, P)``. Their mean over ``N`` is the estimate; their spread its noise.
    """
    real_tensor(reward, "reward")
    floating_tensor(score, "score")
    if reward.ndim != 1 or score.ndim != 2 or score.shape[0] != reward.shape[0]:
        raise ValueError(f"reward must be (N,) and score (N, P) with the same N, got {tuple(reward.shape)} "
                         f"and {tuple(score.shape)}")
    reward = reward.to(score.dtype)
    if baseline is None:
        return reward[:, None] * score
    if isinstance(baseline, str):
        if baseline != "leave-one-out":
            raise ValueError(f"baseline must be None, a number, a tensor or 'leave-one-out', got {baseline!r}")
        return (reward - leave_one_out_baseline(reward))[:, None] * score
    if isinstance(baseline, (int, float)) and not isinstance(baseline, bool):
        return (reward - baseline)[:, None] * score
    real_tensor(baseline, "baseline")
    baseline = baseline.to(score.dtype)
    if baseline.shape == reward.shape:
        return (reward - baseline)[:, None] * score
    if baseline.shape in ((), (score.shape[1],)):
        return (reward[:, None] - baseline) * score
    raise ValueError(f"baseline of shape {tuple(baseline.shape)} fits neither the N={score.shape[0]} samples "
                     f"nor the P={score.shape[1]} parameters")
