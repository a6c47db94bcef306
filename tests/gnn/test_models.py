import networkx as nx
import pytest
import torch

from dlbook import check, gnn
from dlbook.data.graphs import from_networkx


def test_gnn_layers_and_index():
    torch.manual_seed(0)
    edge_index = from_networkx(nx.cycle_graph(6))
    x = torch.randn(6, 3)
    for kw in (dict(), dict(residual=True), dict(jumping_knowledge=True)):
        model = gnn.GNN(3, 4, 2, num_layers=3, **kw)
        out = model(x, edge_index)
        assert out.shape == (6, 2)
        check.close(model(x, edge_index, torch.tensor([4, 1])), out[[4, 1]], atol=1e-6)
        assert len(model.layer_outputs(x, edge_index)) == 3
    residual = gnn.GNN(3, 4, 2, num_layers=2, residual=True)
    h1, h2 = residual.layer_outputs(x, edge_index)
    check.close(h2, h1 + torch.tanh(residual.convs[1](h1, edge_index)), atol=1e-6)


def test_batched_graphs_give_each_graph_its_own_output():
    torch.manual_seed(0)
    graphs = [nx.path_graph(4), nx.cycle_graph(5), nx.star_graph(3)]
    xs = [torch.randn(g.number_of_nodes(), 2, dtype=torch.float64) for g in graphs]
    edges = [from_networkx(g) for g in graphs]
    x, edge_index, batch = gnn.batch_graphs(xs, edges)
    assert batch.tolist() == [0] * 4 + [1] * 5 + [2] * 4
    for readout in ("sum", "mean", "max"):
        model = gnn.GraphClassifier(2, 8, 3, num_layers=2, readout=readout).double()
        together = model(x, edge_index, batch)
        alone = torch.cat([model(xi, ei, torch.zeros(len(xi), dtype=torch.long)) for xi, ei in zip(xs, edges)])
        check.close(together, alone, atol=1e-12)
    check.close(gnn.global_pool(x, batch, 3)[1], xs[1].sum(0), atol=1e-12)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="conv"):
        gnn.GNN(2, 2, 2, conv="cheb")
    with pytest.raises(ValueError, match="num_layers"):
        gnn.GNN(2, 2, 2, num_layers=0)
    with pytest.raises(ValueError, match="readout"):
        gnn.GraphClassifier(2, 2, 2, readout="median")
    with pytest.raises(ValueError, match="reduce"):
        gnn.global_pool(torch.randn(3, 2), torch.zeros(3, dtype=torch.long), 1, "median")
    with pytest.raises(ValueError, match="as many edge"):
        gnn.batch_graphs([torch.randn(2, 2)], [])
    with pytest.raises(ValueError, match="batch"):
        gnn.GraphClassifier(2, 2, 2)(torch.randn(3, 2), torch.tensor([[0], [1]]), torch.zeros(2, dtype=torch.long))
