"""Gather and scatter: the two memory operations every message-passing layer is made of."""
import torch

from ._validate import check_positive_int

REDUCTIONS = ("sum", "mean", "max")


def scatter(src: torch.Tensor, index: torch.Tensor, dim_size: int, reduce: str = "sum") -> torch.Tensor:
    """Reduce the rows of ``src`` that share an ``index``: ``src: (E, F)``, ``index: (E,)`` → ``(dim_size, F)``.

    Row ``i`` of the result is the sum, mean or maximum of the rows ``e`` with
    ``index[e] == i``; rows that receive nothing are zero. The sum uses ``index_add_``, the
    others ``scatter_reduce`` (``include_self=False``, so an empty row stays zero).
    """
    if reduce not in REDUCTIONS:
        raise ValueError(f"reduce must be one of {REDUCTIONS}, got {reduce!r}")
    check_positive_int(dim_size, "dim_size", minimum=0)
    if not isinstance(src, torch.Tensor) or not isinstance(index, torch.Tensor):
        raise TypeError("src and index must be tensors")
    if src.dim() != 2:
        raise ValueError(f"src must be 2-D (E, F), got shape {tuple(src.shape)}")
    if index.dim() != 1 or index.shape[0] != src.shape[0]:
        raise ValueError(f"index must be 1-D with one entry per row of src ({src.shape[0]}), "
                         f"got shape {tuple(index.shape)}")
    if index.dtype not in (torch.int64, torch.int32):
        raise TypeError(f"index must hold integer row numbers, got {index.dtype}")
    out = src.new_zeros(dim_size, src.shape[1])
    if reduce == "sum":
        return out.index_add_(0, index, src)
    expanded = index.long()[:, None].expand_as(src)
    if reduce == "max":
        return out.scatter_reduce(0, expanded, src, reduce="amax", include_self=False)
    total = out.index_add_(0, index, src)
    count = src.new_zeros(dim_size).index_add_(0, index, src.new_ones(src.shape[0]))
    return total / count.clamp_min(1)[:, None]


def segment_softmax(scores: torch.Tensor, index: torch.Tensor, dim_size: int) -> torch.Tensor:
    """Softmax over the entries that share an ``index``: ``scores: (E, H)``, ``index: (E,)`` → ``(E, H)``.

    Within each group ``{e : index[e] = i}`` the weights are positive and sum to one. The
    group's maximum is subtracted first, as in ``torch.softmax``, so large scores do not
    overflow.
    """
    if scores.dim() != 2:
        raise ValueError(f"scores must be 2-D (E, H), got shape {tuple(scores.shape)}")
    group_max = scatter(scores.detach(), index, dim_size, reduce="max")
    exp = (scores - group_max[index]).exp()
    return exp / scatter(exp, index, dim_size, reduce="sum")[index]
