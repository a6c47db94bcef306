"""Deep Sets: ``f(X) = ρ(⊕_{x ∈ X} φ(x))`` for a set-level target, with a sum, mean or max as ``⊕``."""
import torch
from torch import nn

from ._validate import check_features, check_positive_int
from .gather_scatter import REDUCTIONS, scatter


class DeepSets(nn.Module):
    """Zaheer et al.'s set model: ``φ`` (an MLP per element), a permutation-invariant pooling, then ``ρ`` (an MLP).

    ``forward(x, set_index)``: the elements of many sets stacked, ``x: (M, in_features)``, and
    which set each belongs to, ``set_index: (M,)`` with values in ``[0, num_sets)`` →
    ``(num_sets, out_features)``. ``num_sets`` defaults to ``set_index.max() + 1``.
    """

    def __init__(self, in_features: int, hidden: int, out_features: int, aggregation: str = "sum"):
        super().__init__()
        for value, name in ((in_features, "in_features"), (hidden, "hidden"), (out_features, "out_features")):
            check_positive_int(value, name)
        if aggregation not in REDUCTIONS:
            raise ValueError(f"aggregation must be one of {REDUCTIONS}, got {aggregation!r}")
        self.aggregation = aggregation
        self.phi = nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
        self.rho = nn.Sequential(nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, out_features))

    def forward(self, x: torch.Tensor, set_index: torch.Tensor, num_sets: int | None = None) -> torch.Tensor:
        check_features(x)
        if set_index.dim() != 1 or set_index.shape[0] != x.shape[0]:
            raise ValueError(f"set_index must have one entry per element ({x.shape[0]}), got {tuple(set_index.shape)}")
        num_sets = int(set_index.max()) + 1 if num_sets is None else num_sets
        return self.rho(scatter(self.phi(x), set_index, num_sets, reduce=self.aggregation))


SET_TASKS = ("count", "mean", "max")


def set_task(task: str, num_sets: int, *, max_size: int = 10, seed: int = 0):
    """Sets of numbers drawn uniformly from ``[0, 1]``, sizes ``1 … max_size``, with a set-level target.

    ``task``: ``"count"`` (how many elements), ``"mean"`` or ``"max"`` of the elements. Returns
    ``(x, set_index, y)``: ``x: (M, 1)``, ``set_index: (M,)``, ``y: (num_sets, 1)``.
    """
    if task not in SET_TASKS:
        raise ValueError(f"task must be one of {SET_TASKS}, got {task!r}")
    check_positive_int(num_sets, "num_sets")
    check_positive_int(max_size, "max_size")
    gen = torch.Generator().manual_seed(seed)
    sizes = torch.randint(1, max_size + 1, (num_sets,), generator=gen)
    set_index = torch.repeat_interleave(torch.arange(num_sets), sizes)
    x = torch.rand(len(set_index), 1, generator=gen)
    y = scatter(x, set_index, num_sets, reduce="sum" if task == "count" else task)
    if task == "count":
        y = sizes[:, None].float()
    return x, set_index, y
