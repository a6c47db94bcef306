"""An optimisation race on a discrete latent problem: ``D`` independent categorical variables, each with ``K``
classes, chosen to minimise ``E‖y − t‖²`` — trained by the exact gradient and by four estimators."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ..history import History
from ..train import TrainingDiverged
from ._checks import floating_tensor, sample_count, temperature
from .gumbel import gumbel_max_sample
from .relaxation import gumbel_softmax
from .score_function import leave_one_out_baseline, reinforce_surrogate

#: The gradient estimators :func:`dlbook.sampling.train_discrete_latent` races.
ESTIMATORS = ("exact", "reinforce", "reinforce-loo", "gumbel-softmax", "straight-through")


@dataclass(frozen=True)
class DiscreteLatentProblem:
    """``f(y) = Σ_d ‖y_d − t_d‖²`` for ``y`` of shape ``(..., D, K)`` (one-hot or relaxed) and targets
    ``t``: ``(D, K)`` inside the simplex. On one-hot ``y`` the best class of variable ``d`` is ``argmax_k t_dk``."""

    targets: torch.Tensor

    def __post_init__(self):
        floating_tensor(self.targets, "targets")
        if self.targets.ndim != 2 or self.targets.shape[1] < 2:
            raise ValueError(f"targets must be (D, K) with K >= 2, got shape {tuple(self.targets.shape)}")

    @classmethod
    def random(cls, variables: int, classes: int, seed: int = 0, dtype=torch.float32) -> "DiscreteLatentProblem":
        """Targets drawn uniformly from the simplex (Dirichlet(1, …, 1)), reproducibly from ``seed``."""
        sample_count(variables, "variables")
        sample_count(classes, "classes", minimum=2)
        e = torch.empty(variables, classes, dtype=dtype).exponential_(generator=torch.Generator().manual_seed(seed))
        return cls(e / e.sum(1, keepdim=True))

    def __call__(self, y: torch.Tensor) -> torch.Tensor:
        """``(..., D, K) → (...)``."""
        if y.shape[-2:] != self.targets.shape:
            raise ValueError(f"y must end in (D, K) = {tuple(self.targets.shape)}, got {tuple(y.shape)}")
        return ((y - self.targets.to(y.device, y.dtype)) ** 2).sum((-2, -1))

    def vertex_values(self) -> torch.Tensor:
        """``f_dk = 1 − 2 t_dk + ‖t_d‖²``, the cost of class ``k`` for variable ``d``: ``(D, K)``."""
        t = self.targets
        return 1 - 2 * t + (t ** 2).sum(1, keepdim=True)

    def expected(self, logits: torch.Tensor) -> torch.Tensor:
        """The exact ``E[f(z)] = Σ_d Σ_k softmax(θ_d)_k f_dk``, differentiable: ``(D, K) → ()``."""
        floating_tensor(logits, "logits")
        if logits.shape != self.targets.shape:
            raise ValueError(f"logits must be (D, K) = {tuple(self.targets.shape)}, got {tuple(logits.shape)}")
        values = self.vertex_values().to(logits.device, logits.dtype)
        return (torch.softmax(logits, -1) * values).sum()

    def optimum(self) -> float:
        """The smallest possible ``E[f(z)]``: every variable on its best class."""
        return float(self.vertex_values().min(1).values.sum())


def estimated_loss(problem: DiscreteLatentProblem, logits: torch.Tensor, estimator: str, n_samples: int,
                   tau: float = 1.0, generator: torch.Generator | None = None) -> torch.Tensor:
    """A scalar whose gradient in ``logits`` ``(D, K)`` is ``estimator``'s estimate of ``∇ E[f(z)]``.

    ``estimator`` is one of ``ESTIMATORS``; each draws ``n_samples`` joint samples (``"exact"`` none).
    """
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {ESTIMATORS}, got {estimator!r}")
    if estimator == "exact":
        return problem.expected(logits)
    n_samples = sample_count(n_samples, "n_samples", minimum=2 if estimator == "reinforce-loo" else 1)
    rows = logits.expand(n_samples, *logits.shape)   # (S, D, K)
    if estimator in ("gumbel-softmax", "straight-through"):
        y = gumbel_softmax(rows, tau, hard=estimator == "straight-through", generator=generator)
        return problem(y).mean()
    # "reinforce" and "reinforce-loo": the score-function surrogate of the joint log-probability
    z = gumbel_max_sample(rows.detach(), generator=generator)                          # (S, D)
    log_prob = torch.log_softmax(rows, -1).gather(-1, z[..., None])[..., 0].sum(-1)   # (S,) log p(z)
    loss = problem(torch.nn.functional.one_hot(z, logits.shape[-1]).to(logits.dtype))
    baseline = leave_one_out_baseline(loss) if estimator == "reinforce-loo" else None
    return reinforce_surrogate(log_prob, loss, baseline)


def train_discrete_latent(problem: DiscreteLatentProblem, estimator: str, *, steps: int, lr: float = 0.1,
                          n_samples: int = 4, tau: float = 1.0, seed: int = 0, device=None) -> History:
    """Minimise ``E[f(z)]`` over the logits ``(D, K)`` (from zero: uniform) with Adam and ``estimator``'s gradients.

    Each step draws ``n_samples`` joint samples. The history records, per step, the exact expected loss
    ``loss`` and its excess ``excess`` over the optimum. Interrupting keeps the steps done so far
    (``history.interrupted``); a non-finite loss raises :class:`dlbook.TrainingDiverged`.
    """
    if not isinstance(problem, DiscreteLatentProblem):
        raise TypeError(f"problem must be a DiscreteLatentProblem, got {type(problem).__name__}")
    if estimator not in ESTIMATORS:
        raise ValueError(f"estimator must be one of {ESTIMATORS}, got {estimator!r}")
    steps = sample_count(steps, "steps")
    n_samples = sample_count(n_samples, "n_samples", minimum=2 if estimator == "reinforce-loo" else 1)
    tau = temperature(tau)
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    from ..config import get_device
    device = get_device(device) if not isinstance(device, torch.device) else device
    generator = torch.Generator(device).manual_seed(seed)
    logits = torch.zeros(problem.targets.shape, device=device, dtype=problem.targets.dtype, requires_grad=True)
    optimizer = torch.optim.Adam([logits], lr=lr)
    optimum, history = problem.optimum(), History()
    try:
        for step in range(1, steps + 1):
            optimizer.zero_grad()
            estimated_loss(problem, logits, estimator, n_samples, tau, generator).backward()
            optimizer.step()
            with torch.no_grad():
                loss = float(problem.expected(logits))
            if not torch.isfinite(logits).all() or loss != loss:
                raise TrainingDiverged(f"{estimator}: the logits became NaN or infinite at step {step}",
                                       history, epoch=step, step=step)
            history.append(step, {"loss": loss, "excess": loss - optimum})
    except KeyboardInterrupt:
        history.interrupted = True
    return history
