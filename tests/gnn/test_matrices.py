import networkx as nx
import pytest
import torch
from hypothesis import given, settings, strategies as st

from dlbook import check, gnn
from dlbook.data.graphs import from_networkx


def random_graph(n, p, seed):
    return nx.gnp_random_graph(n, p, seed=seed)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 12), p=st.floats(0.1, 0.9), seed=st.integers(0, 999))
def test_matrices_match_networkx(n, p, seed):
    g = random_graph(n, p, seed)
    edge_index = from_networkx(g)
    A = gnn.dense_adjacency(edge_index, n, dtype=torch.float64)
    check.close(A, torch.tensor(nx.to_numpy_array(g)), atol=0)
    check.close(gnn.sparse_adjacency(edge_index, n, dtype=torch.float64).to_dense(), A, atol=0)
    check.close(gnn.laplacian(A), torch.tensor(nx.laplacian_matrix(g).toarray(), dtype=torch.float64), atol=1e-12)
    check.close(gnn.laplacian(A, "sym"), torch.tensor(nx.normalized_laplacian_matrix(g).toarray()), atol=1e-12)
    d = A.sum(1)
    rw = torch.diag((d > 0).double()) - A / d.clamp_min(1)[:, None]
    check.close(gnn.laplacian(A, "rw"), rw, atol=1e-12)
    A_tilde = A + torch.eye(n, dtype=torch.float64)
    D = torch.diag(A_tilde.sum(1) ** -0.5)
    check.close(gnn.normalized_adjacency(A), D @ A_tilde @ D, atol=1e-12)
    check.close(gnn.normalized_adjacency(A.to_sparse()).to_dense(), D @ A_tilde @ D, atol=1e-12)
    assert gnn.normalized_adjacency(A.to_sparse()).is_sparse
    x = torch.randn(n, 3, dtype=torch.float64)
    check.close(gnn.dirichlet_energy(x, edge_index), torch.trace(x.T @ gnn.laplacian(A) @ x), atol=1e-9)
    check.close(gnn.degree(edge_index[1], n, torch.float64), d, atol=0)


def test_self_loops_and_weights():
    edge_index = torch.tensor([[0, 1], [1, 0]])
    assert gnn.add_self_loops(edge_index, 3).tolist() == [[0, 1, 0, 1, 2], [1, 0, 0, 1, 2]]
    A = gnn.dense_adjacency(edge_index, 2, edge_weight=torch.tensor([2.0, 3.0]))
    assert A.tolist() == [[0.0, 3.0], [2.0, 0.0]]  # A[i, j] is the weight of j → i


def test_bad_input_names_the_problem():
    edge_index = torch.tensor([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="edge_weight"):
        gnn.dense_adjacency(edge_index, 2, edge_weight=torch.ones(3))
    with pytest.raises(ValueError, match="edge_weight"):
        gnn.sparse_adjacency(edge_index, 2, edge_weight=torch.ones(3))
    with pytest.raises(ValueError, match="outside"):
        gnn.dense_adjacency(edge_index, 1)
    with pytest.raises(ValueError, match="normalization"):
        gnn.laplacian(torch.eye(2), "left")
    with pytest.raises(TypeError, match="dense"):
        gnn.laplacian(torch.eye(2).to_sparse())
    with pytest.raises(ValueError, match="square"):
        gnn.normalized_adjacency(torch.ones(2, 3))
    with pytest.raises(ValueError, match="non-negative"):
        gnn.normalized_adjacency(-torch.ones(2, 2))
    with pytest.raises(ValueError, match="1-D"):
        gnn.degree(edge_index, 2)
    with pytest.raises(ValueError, match="2-D"):
        gnn.dirichlet_energy(torch.ones(2), edge_index)
    with pytest.raises(ValueError, match="outside"):
        gnn.add_self_loops(edge_index, 1)
