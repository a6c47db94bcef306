import networkx as nx
import pytest
import torch
from hypothesis import given, settings, strategies as st

from dlbook import check, gnn
from dlbook.data.graphs import from_networkx


def graph(n, p, seed):
    edge_index = from_networkx(nx.gnp_random_graph(n, p, seed=seed))
    return edge_index, gnn.dense_adjacency(edge_index, n, dtype=torch.float64)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(2, 10), p=st.floats(0.0, 1.0), f_in=st.integers(1, 5), f_out=st.integers(1, 5),
       seed=st.integers(0, 999))
def test_layers_equal_their_dense_formulas(n, p, f_in, f_out, seed):
    torch.manual_seed(seed)
    edge_index, A = graph(n, p, seed)
    x = torch.randn(n, f_in, dtype=torch.float64)
    gcn = gnn.GCNConv(f_in, f_out).double()
    torch.nn.init.normal_(gcn.bias)
    check.close(gcn(x, edge_index), gnn.normalized_adjacency(A) @ gcn.lin(x) + gcn.bias, atol=1e-12)
    sage = gnn.SAGEConv(f_in, f_out).double()
    mean = A @ x / A.sum(1, keepdim=True).clamp_min(1)
    check.close(sage(x, edge_index), sage.lin_self(x) + sage.lin_neigh(mean), atol=1e-12)
    gin = gnn.GINConv(f_in, f_out, eps=0.3).double()
    check.close(gin(x, edge_index), gin.mlp((1 + gin.eps) * x + A @ x), atol=1e-12)


def test_gradients_match_finite_differences():
    edge_index, _ = graph(6, 0.5, 1)
    x = torch.randn(6, 3, dtype=torch.float64, requires_grad=True)
    for layer in (gnn.GCNConv(3, 2), gnn.SAGEConv(3, 2), gnn.GINConv(3, 2), gnn.GATConv(3, 2, heads=2)):
        layer = layer.double()
        f = lambda t: layer(t, edge_index).sin().sum()  # noqa: E731
        check.close(check.autograd(f, x)[0], check.finite_differences(f, x)[0], atol=1e-6)


def test_trainable_eps_is_a_parameter():
    assert "eps" in dict(gnn.GINConv(2, 2, train_eps=True).named_parameters())
    assert "eps" in dict(gnn.GINConv(2, 2).named_buffers())


@pytest.mark.parametrize("make", [lambda: gnn.GCNConv(3, 4), lambda: gnn.SAGEConv(3, 4), lambda: gnn.GINConv(3, 4),
                                  lambda: gnn.GATConv(3, 2, heads=2), lambda: gnn.DotProductAttentionConv(3)])
def test_every_layer_is_permutation_equivariant(make):
    torch.manual_seed(0)
    layer = make().double()
    edge_index, _ = graph(9, 0.4, 3)
    x = torch.randn(9, 3, dtype=torch.float64)
    perm = torch.randperm(9)
    inverse = torch.empty_like(perm)
    inverse[perm] = torch.arange(9)
    check.close(layer(x[perm], inverse[edge_index]), layer(x, edge_index)[perm], atol=1e-12)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="in_features"):
        gnn.GCNConv(0, 2)
    with pytest.raises(ValueError, match="out_features"):
        gnn.SAGEConv(2, 0)
    with pytest.raises(TypeError, match="in_features"):
        gnn.GINConv(2.5, 2)
    with pytest.raises(ValueError, match="outside"):
        gnn.GCNConv(2, 2)(torch.randn(3, 2), torch.tensor([[0], [3]]))
    for layer in (gnn.GCNConv(2, 2), gnn.SAGEConv(2, 2), gnn.GINConv(2, 2), gnn.GATConv(2, 2),
                  gnn.DotProductAttentionConv(2)):
        with pytest.raises(ValueError, match="in_features=2"):
            layer(torch.randn(3, 5), torch.tensor([[0], [1]]))
