"""Over-smoothing: how far node features stay from each other as layers are stacked."""
import torch

from ._validate import check_features


def distance_to_mean(x: torch.Tensor) -> torch.Tensor:
    """The mean distance of the nodes' feature *directions* to their average direction: ``x: (N, F)`` → scalar.

    Each row is scaled to unit length first, so a shrinking or growing scale does not count as
    smoothing: the value is 0 exactly when all nodes point the same way, at most 2.
    """
    check_features(x)
    unit = x / x.norm(dim=1, keepdim=True).clamp_min(1e-12)
    return (unit - unit.mean(0)).norm(dim=1).mean()


def propagation_distances(x: torch.Tensor, A_hat: torch.Tensor, steps: int) -> torch.Tensor:
    """:func:`dlbook.gnn.distance_to_mean` of ``Â^k x`` for ``k = 0 … steps``.

    ``x: (N, F)``, ``A_hat: (N, N)`` dense or sparse → ``(steps + 1,)``.
    """
    check_features(x)
    if steps < 0:
        raise ValueError(f"steps must be non-negative, got {steps}")
    distances = [distance_to_mean(x)]
    for _ in range(steps):
        x = torch.sparse.mm(A_hat, x) if A_hat.is_sparse else A_hat @ x
        distances.append(distance_to_mean(x))
    return torch.stack(distances)
