"""Argument checks shared by the chapter's functions: each error names the argument and what is wrong."""
import torch


def check_features(x, name: str = "x") -> None:
    """``x`` must be a floating tensor ``(N, F)``."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a tensor (N, F), got {type(x).__name__}")
    if x.dim() != 2:
        raise ValueError(f"{name} must be 2-D (N, F), got shape {tuple(x.shape)}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must be a floating tensor, got {x.dtype}")


def check_edge_index(edge_index, num_nodes: int, name: str = "edge_index") -> None:
    """``edge_index`` must be an integer tensor ``(2, E)`` with every entry in ``[0, num_nodes)``."""
    if not isinstance(edge_index, torch.Tensor):
        raise TypeError(f"{name} must be a tensor (2, E), got {type(edge_index).__name__}")
    if edge_index.dtype not in (torch.int64, torch.int32):
        raise TypeError(f"{name} must hold int64 node indices, got {edge_index.dtype}")
    if edge_index.dim() != 2 or edge_index.shape[0] != 2:
        raise ValueError(f"{name} must have shape (2, E), got {tuple(edge_index.shape)}")
    if edge_index.numel() and (int(edge_index.min()) < 0 or int(edge_index.max()) >= num_nodes):
        raise ValueError(f"{name} holds node indices outside [0, {num_nodes}): "
                         f"min {int(edge_index.min())}, max {int(edge_index.max())}")


def check_graph(x, edge_index) -> None:
    """Node features ``x: (N, F)`` and an ``edge_index: (2, E)`` into its ``N`` nodes."""
    check_features(x)
    check_edge_index(edge_index, x.shape[0])


def check_square(A, name: str = "A") -> None:
    """``A`` must be a floating square matrix ``(N, N)``, dense or sparse."""
    if not isinstance(A, torch.Tensor):
        raise TypeError(f"{name} must be a tensor (N, N), got {type(A).__name__}")
    if A.dim() != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"{name} must be a square matrix (N, N), got shape {tuple(A.shape)}")
    if not A.is_floating_point():
        raise TypeError(f"{name} must be a floating tensor, got {A.dtype}")


def check_positive_int(value, name: str, minimum: int = 1) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")


def check_width(x, in_features: int) -> None:
    """``x`` must have ``in_features`` columns."""
    if x.shape[-1] != in_features:
        raise ValueError(f"x has {x.shape[-1]} features per node, the layer expects in_features={in_features}")
