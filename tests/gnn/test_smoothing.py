import networkx as nx
import pytest
import torch

from dlbook import check, gnn
from dlbook.data.graphs import from_networkx


def test_distance_to_mean_closed_forms():
    check.close(gnn.distance_to_mean(torch.tensor([[1.0, 0.0], [3.0, 0.0]])), torch.tensor(0.0), atol=1e-7)
    check.close(gnn.distance_to_mean(torch.tensor([[1.0, 0.0], [-2.0, 0.0]])), torch.tensor(1.0), atol=1e-7)


def test_propagation_smooths_a_connected_graph():
    edge_index = from_networkx(nx.karate_club_graph())
    A_hat = gnn.normalized_adjacency(gnn.dense_adjacency(edge_index, 34, dtype=torch.float64))
    x = torch.randn(34, 4, dtype=torch.float64)
    d = gnn.propagation_distances(x, A_hat, 60)
    assert d.shape == (61,) and d[-1] < 1e-3 * d[0]
    check.close(gnn.propagation_distances(x, A_hat.to_sparse(), 5), d[:6], atol=1e-10)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="2-D"):
        gnn.distance_to_mean(torch.ones(3))
    with pytest.raises(ValueError, match="steps"):
        gnn.propagation_distances(torch.ones(2, 1), torch.eye(2), -1)
