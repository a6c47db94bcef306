"""Positional encodings: node features that let message passing see more than 1-WL does."""
import torch

from ._validate import check_edge_index, check_positive_int
from .matrices import dense_adjacency, laplacian


def laplacian_positional_encoding(edge_index: torch.Tensor, num_nodes: int, k: int) -> torch.Tensor:
    """The eigenvectors of the ``k`` smallest non-trivial eigenvalues of ``I − D^{-1/2} A D^{-1/2}``: ``(N, k)``.

    The first eigenvector (eigenvalue 0) is skipped; columns beyond ``N − 1`` are zero. Each
    eigenvector is defined only up to sign (and within a repeated eigenvalue, up to rotation);
    here the sign is fixed so that each column sums to a non-negative number.
    """
    check_positive_int(num_nodes, "num_nodes")
    check_positive_int(k, "k")
    check_edge_index(edge_index, num_nodes)
    A = dense_adjacency(edge_index, num_nodes, dtype=torch.float64).cpu()
    _, U = torch.linalg.eigh(laplacian(A, "sym"))
    U = U[:, 1:k + 1]
    sign = torch.where(U.sum(0) < -1e-9, -1.0, 1.0).to(U.dtype)
    out = torch.zeros(num_nodes, k, dtype=torch.float64)
    out[:, :U.shape[1]] = U * sign
    return out.to(torch.float32).to(edge_index.device)


def random_node_features(num_nodes: int, k: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """``k`` standard-normal features per node, ``(N, k)``: every node distinct, equivariance only in distribution."""
    check_positive_int(num_nodes, "num_nodes")
    check_positive_int(k, "k")
    return torch.randn(num_nodes, k, generator=generator)
