import networkx as nx
import pytest

from dlbook import gnn


def test_known_pairs():
    two_triangles = nx.disjoint_union(nx.cycle_graph(3), nx.cycle_graph(3))
    assert gnn.wl_test(two_triangles, nx.cycle_graph(6))
    assert gnn.wl_test(nx.cubical_graph(), nx.circulant_graph(8, [1, 4]))
    assert not gnn.wl_test(nx.path_graph(4), nx.star_graph(3))
    assert not gnn.wl_test(nx.path_graph(4), nx.path_graph(5))


def test_isomorphic_graphs_always_pass_and_labels_can_separate():
    g = nx.gnp_random_graph(9, 0.4, seed=1)
    h = nx.relabel_nodes(g, {v: (v * 5) % 9 for v in g.nodes})
    assert gnn.wl_test(g, h)
    a, b = nx.path_graph(3), nx.path_graph(3)
    nx.set_node_attributes(a, {0: "C", 1: "C", 2: "O"}, "atom")
    nx.set_node_attributes(b, {0: "C", 1: "O", 2: "C"}, "atom")
    assert gnn.wl_test(a, b) and not gnn.wl_test(a, b, node_attr="atom")


def test_colour_histograms_refine():
    history = gnn.wl_colors(nx.path_graph(5), iterations=3)
    assert [len(h) for h in history] == [1, 2, 3, 3]


def test_bad_input_names_the_problem():
    with pytest.raises(TypeError, match="networkx"):
        gnn.wl_test([[0, 1]], nx.path_graph(2))
    with pytest.raises(TypeError, match="undirected"):
        gnn.wl_colors(nx.DiGraph([(0, 1)]))
    with pytest.raises(ValueError, match="iterations"):
        gnn.wl_colors(nx.path_graph(2), iterations=-1)
