import networkx as nx
import pytest
import torch

from dlbook import check, gnn
from dlbook.data.graphs import from_networkx


def test_laplacian_encoding_holds_eigenvectors():
    g = nx.path_graph(7)
    edge_index = from_networkx(g)
    pe = gnn.laplacian_positional_encoding(edge_index, 7, 3).double()
    L = gnn.laplacian(gnn.dense_adjacency(edge_index, 7, dtype=torch.float64), "sym")
    lam = torch.linalg.eigvalsh(L)[1:4]
    check.close(L @ pe, pe * lam, atol=1e-6)
    assert (pe.sum(0) >= -1e-6).all()
    assert gnn.laplacian_positional_encoding(edge_index, 7, 10)[:, 6:].abs().max() == 0


def test_random_features_are_seeded():
    a = gnn.random_node_features(5, 2, torch.Generator().manual_seed(0))
    b = gnn.random_node_features(5, 2, torch.Generator().manual_seed(0))
    assert a.shape == (5, 2) and torch.equal(a, b)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="k must"):
        gnn.laplacian_positional_encoding(torch.tensor([[0], [1]]), 2, 0)
    with pytest.raises(ValueError, match="outside"):
        gnn.laplacian_positional_encoding(torch.tensor([[0], [3]]), 2, 1)
    with pytest.raises(ValueError, match="num_nodes"):
        gnn.random_node_features(0, 2)
