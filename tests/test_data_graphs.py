import networkx as nx
import pytest
import torch

from dlbook.data import graphs


def test_from_networkx_lists_both_directions():
    edge_index = graphs.from_networkx(nx.path_graph(3))
    assert sorted(map(tuple, edge_index.T.tolist())) == [(0, 1), (1, 0), (1, 2), (2, 1)]
    assert graphs.from_networkx(nx.empty_graph(3)).shape == (2, 0)


def test_karate_club():
    edge_index, labels = graphs.karate_club()
    assert edge_index.shape == (2, 156) and labels.shape == (34,)
    assert labels[0] == 0 and labels[33] == 1 and labels.sum() == 17


def test_stochastic_block_model_edges_follow_the_blocks():
    x, edge_index, labels = graphs.stochastic_block_model([200, 200], 0.1, 0.01, num_features=4, seed=0)
    assert x.shape == (400, 4) and labels.bincount().tolist() == [200, 200]
    same = (labels[edge_index[0]] == labels[edge_index[1]]).float().mean()
    assert 0.85 < same < 0.95  # expected 0.1·199 / (0.1·199 + 0.01·200) ≈ 0.91
    x2, e2, _ = graphs.stochastic_block_model([200, 200], 0.1, 0.01, num_features=4, seed=0)
    assert torch.equal(x, x2) and torch.equal(edge_index, e2)


def test_graph_families_share_density():
    edges, counts, labels = graphs.graph_families(30, seed=1)
    assert len(edges) == len(counts) == 30 and labels.bincount().tolist() == [10, 10, 10]
    for family in range(3):
        degree = [e.shape[1] / n for e, n, y in zip(edges, counts, labels) if y == family]
        assert 3 < sum(degree) / len(degree) < 4.5


def test_bad_input_names_the_problem():
    with pytest.raises(TypeError, match="undirected"):
        graphs.from_networkx(nx.DiGraph([(0, 1)]))
    with pytest.raises(ValueError, match="p_in"):
        graphs.stochastic_block_model([5, 5], 1.5, 0.1)
    with pytest.raises(ValueError, match="sizes"):
        graphs.stochastic_block_model([5], 0.5, 0.1)
    with pytest.raises(ValueError, match="num_features"):
        graphs.stochastic_block_model([5, 5], 0.5, 0.1, num_features=0)
    with pytest.raises(ValueError, match="num_graphs"):
        graphs.graph_families(0)
    with pytest.raises(ValueError, match="min_nodes"):
        graphs.graph_families(3, min_nodes=3)
