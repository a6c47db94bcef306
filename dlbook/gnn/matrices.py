"""A graph as matrices: adjacency (dense or sparse), degrees, Laplacians and the GCN's normalised adjacency.

Convention: an edge ``(j, i)`` in column ``e`` of ``edge_index`` carries a message from
node ``j = edge_index[0, e]`` to node ``i = edge_index[1, e]``, and ``A[i, j] = 1``; so
``(A x)_i`` sums over the neighbours that send to ``i``. An undirected graph lists both
directions.
"""
import torch

from ._validate import check_edge_index, check_features, check_positive_int, check_square


def _check_weight(edge_weight, edge_index):
    if edge_weight is not None and (edge_weight.dim() != 1 or edge_weight.shape[0] != edge_index.shape[1]):
        raise ValueError(f"edge_weight must have one entry per edge ({edge_index.shape[1]}), "
                         f"got shape {tuple(edge_weight.shape)}")


def dense_adjacency(edge_index: torch.Tensor, num_nodes: int, edge_weight: torch.Tensor | None = None,
                    dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """The adjacency matrix ``(N, N)`` of ``edge_index: (2, E)``, ``A[i, j]`` = weight of edge ``j → i``."""
    check_positive_int(num_nodes, "num_nodes", minimum=0)
    check_edge_index(edge_index, num_nodes)
    _check_weight(edge_weight, edge_index)
    A = torch.zeros(num_nodes, num_nodes, dtype=dtype, device=edge_index.device)
    values = torch.ones(edge_index.shape[1], dtype=dtype, device=A.device) if edge_weight is None else edge_weight
    return A.index_put_((edge_index[1], edge_index[0]), values.to(dtype), accumulate=True)


def sparse_adjacency(edge_index: torch.Tensor, num_nodes: int, edge_weight: torch.Tensor | None = None,
                     dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """The same matrix as :func:`dlbook.gnn.dense_adjacency`, as a coalesced ``torch.sparse_coo_tensor`` ``(N, N)``."""
    check_positive_int(num_nodes, "num_nodes", minimum=0)
    check_edge_index(edge_index, num_nodes)
    _check_weight(edge_weight, edge_index)
    values = (torch.ones(edge_index.shape[1], dtype=dtype, device=edge_index.device) if edge_weight is None
              else edge_weight.to(dtype))
    return torch.sparse_coo_tensor(edge_index.flip(0), values, (num_nodes, num_nodes),
                                   check_invariants=False).coalesce()


def add_self_loops(edge_index: torch.Tensor, num_nodes: int) -> torch.Tensor:
    """``edge_index: (2, E)`` → ``(2, E + N)`` with an edge ``i → i`` appended for every node."""
    check_edge_index(edge_index, num_nodes)
    loops = torch.arange(num_nodes, device=edge_index.device).repeat(2, 1)
    return torch.cat([edge_index, loops.to(edge_index.dtype)], dim=1)


def degree(index: torch.Tensor, num_nodes: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """How often each node appears in ``index: (E,)`` → ``(N,)``: in-degrees for ``edge_index[1]``."""
    if index.dim() != 1:
        raise ValueError(f"index must be 1-D (E,), got shape {tuple(index.shape)}")
    return torch.zeros(num_nodes, dtype=dtype, device=index.device).index_add_(
        0, index, torch.ones(index.shape[0], dtype=dtype, device=index.device))


def laplacian(A: torch.Tensor, normalization: str | None = None) -> torch.Tensor:
    """A graph Laplacian of a dense symmetric adjacency ``A: (N, N)`` → ``(N, N)``.

    ``None``: ``L = D − A``; ``"sym"``: ``I − D^{-1/2} A D^{-1/2}``; ``"rw"``: ``I − D^{-1} A``.
    An isolated node (degree 0) gets an all-zero row and column in the normalised forms, as in networkx.
    """
    check_square(A)
    if A.is_sparse:
        raise TypeError("laplacian takes a dense adjacency matrix; use A.to_dense()")
    if normalization not in (None, "sym", "rw"):
        raise ValueError(f"normalization must be None, 'sym' or 'rw', got {normalization!r}")
    d = A.sum(1)
    if normalization is None:
        return torch.diag(d) - A
    eye = torch.diag((d > 0).to(A.dtype))
    if normalization == "rw":
        return eye - A / d.clamp_min(1e-300)[:, None] * (d > 0)[:, None]
    d_inv_sqrt = torch.where(d > 0, d.clamp_min(1e-300).rsqrt(), torch.zeros_like(d))
    return eye - d_inv_sqrt[:, None] * A * d_inv_sqrt[None, :]


def normalized_adjacency(A: torch.Tensor) -> torch.Tensor:
    """The renormalised adjacency ``Â = D̃^{-1/2} (A + I) D̃^{-1/2}`` of Kipf and Welling: ``(N, N)`` → ``(N, N)``.

    ``D̃`` holds the row sums of ``A + I``. A dense ``A`` gives a dense ``Â``, a sparse
    (COO) ``A`` a sparse one, built from its non-zeros only: memory ``O(N + E)``.
    """
    check_square(A)
    n = A.shape[0]
    if A.is_sparse:
        A = A.coalesce()
        loops = torch.arange(n, device=A.device).repeat(2, 1)
        indices = torch.cat([A.indices(), loops], 1)
        values = torch.cat([A.values(), torch.ones(n, dtype=A.dtype, device=A.device)])
        A_tilde = torch.sparse_coo_tensor(indices, values, (n, n), check_invariants=False).coalesce()
        indices, values = A_tilde.indices(), A_tilde.values()
        d_inv_sqrt = torch.zeros(n, dtype=A.dtype, device=A.device).index_add_(0, indices[0], values).rsqrt()
        return torch.sparse_coo_tensor(indices, d_inv_sqrt[indices[0]] * values * d_inv_sqrt[indices[1]],
                                       (n, n), check_invariants=False).coalesce()
    if (A < 0).any():
        raise ValueError("A must have non-negative entries (an adjacency matrix)")
    A_tilde = A + torch.eye(n, dtype=A.dtype, device=A.device)
    d_inv_sqrt = A_tilde.sum(1).rsqrt()
    return d_inv_sqrt[:, None] * A_tilde * d_inv_sqrt[None, :]


def dirichlet_energy(x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
    """``½ Σ_ij A_ij ‖x_i − x_j‖²`` summed over the edges: ``x: (N, F)``, ``edge_index: (2, E)`` → scalar.

    For an undirected graph (both directions listed) this is ``trace(xᵀ L x)`` with ``L = D − A``.
    """
    check_features(x)
    check_edge_index(edge_index, x.shape[0])
    difference = x[edge_index[1]] - x[edge_index[0]]
    return 0.5 * (difference ** 2).sum()
