"""A Bernoulli multi-armed bandit and a softmax policy trained on it by REINFORCE — the smallest policy gradient."""
from __future__ import annotations

import torch

from ..history import History
from ..train import TrainingDiverged
from ._checks import floating_tensor, sample_count
from .gumbel import gumbel_max_sample
from .score_function import leave_one_out_baseline, reinforce_surrogate

BASELINES = ("none", "leave-one-out", "learned")


class BernoulliBandit:
    """``K`` arms; pulling arm ``a`` pays 1 with probability ``probs[a]``, else 0. ``probs``: ``(K,)``."""

    def __init__(self, probs):
        if not isinstance(probs, torch.Tensor):
            probs = torch.as_tensor(probs, dtype=torch.get_default_dtype())
        floating_tensor(probs, "probs")
        if probs.ndim != 1 or probs.numel() < 2:
            raise ValueError(f"probs must be (K,) with K >= 2 arms, got shape {tuple(probs.shape)}")
        if ((probs < 0) | (probs > 1) | ~torch.isfinite(probs)).any():
            raise ValueError(f"probs are success probabilities and must lie in [0, 1], got {probs.tolist()}")
        self.probs = probs

    @property
    def arms(self) -> int:
        return self.probs.numel()

    def pull(self, arms: torch.Tensor, *, generator: torch.Generator | None = None) -> torch.Tensor:
        """Rewards in ``{0., 1.}`` for a batch of arm indices: ``(N,)`` int ``→`` ``(N,)`` float."""
        if not isinstance(arms, torch.Tensor) or arms.dtype not in (torch.int64, torch.int32):
            raise TypeError(f"arms must be an integer tensor, got {getattr(arms, 'dtype', type(arms).__name__)}")
        if ((arms < 0) | (arms >= self.arms)).any():
            raise ValueError(f"arm indices must lie in [0, {self.arms}), got {arms.unique().tolist()}")
        p = self.probs.to(arms.device)[arms]
        return (torch.rand(p.shape, generator=generator, device=p.device, dtype=p.dtype) < p).to(p.dtype)

    def __repr__(self) -> str:
        return f"BernoulliBandit(probs={[round(float(p), 4) for p in self.probs]})"


def train_bandit(bandit: BernoulliBandit, *, steps: int, lr: float = 0.1, batch_size: int = 8,
                 baseline: str = "leave-one-out", seed: int = 0, device=None) -> History:
    """Learn a softmax policy ``π = softmax(θ)`` over the arms by REINFORCE with plain SGD, from ``θ = 0``.

    Every step pulls ``batch_size`` arms drawn from ``π`` and ascends the surrogate
    :func:`dlbook.sampling.reinforce_surrogate`. ``baseline``: ``"none"``, ``"leave-one-out"``, or ``"learned"``
    (a scalar ``b`` fitted by SGD on ``(r − b)²``, that is, a running average of the reward). The history
    records per step ``p_best`` (the policy's probability of the best arm), ``expected_reward`` (``π·probs``)
    and ``regret`` (``max probs − π·probs``). Interrupting keeps what was recorded (``history.interrupted``).
    """
    if not isinstance(bandit, BernoulliBandit):
        raise TypeError(f"the environment must be a BernoulliBandit, got {type(bandit).__name__}")
    if baseline not in BASELINES:
        raise ValueError(f"baseline must be one of {BASELINES}, got {baseline!r}")
    steps = sample_count(steps, "steps")
    batch_size = sample_count(batch_size, "batch_size", minimum=2 if baseline == "leave-one-out" else 1)
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    from ..config import get_device
    device = get_device(device) if not isinstance(device, torch.device) else device
    generator = torch.Generator(device).manual_seed(seed)
    probs = bandit.probs.to(device)
    best = int(probs.argmax())
    logits = torch.zeros(bandit.arms, device=device, dtype=probs.dtype, requires_grad=True)
    optimizer = torch.optim.SGD([logits], lr=lr)
    learned_b, history = 0.0, History()
    try:
        for step in range(1, steps + 1):
            arms = gumbel_max_sample(logits.detach().expand(batch_size, -1), generator=generator)
            reward = bandit.pull(arms, generator=generator)
            log_prob = torch.log_softmax(logits, 0)[arms]
            b = {"none": None, "leave-one-out": leave_one_out_baseline(reward) if batch_size > 1 else None,
                 "learned": learned_b}[baseline]
            optimizer.zero_grad()
            (-reinforce_surrogate(log_prob, reward, b)).backward()   # ascend E[reward]
            optimizer.step()
            learned_b += 0.1 * (float(reward.mean()) - learned_b)   # SGD step on ½(r̄ − b)²
            with torch.no_grad():
                policy = torch.softmax(logits, 0)
                if not torch.isfinite(policy).all():
                    raise TrainingDiverged(f"bandit policy became NaN at step {step}", history, step, step)
                expected = float(policy @ probs)
            history.append(step, {"p_best": float(policy[best]), "expected_reward": expected,
                                  "regret": float(probs.max()) - expected})
    except KeyboardInterrupt:
        history.interrupted = True
    return history
