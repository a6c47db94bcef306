import pytest
import torch

from dlbook import check, gnn


class Doubler(gnn.MessagePassing):
    def forward(self, x, edge_index):
        return self.propagate(x, edge_index)

    def message(self, x_j, x_i, **kwargs):
        return 2 * x_j


@pytest.mark.parametrize("aggr", ["sum", "mean", "max"])
def test_default_pattern_is_a_reduction_of_neighbours(aggr):
    x = torch.randn(4, 3, dtype=torch.float64)
    edge_index = torch.tensor([[1, 2, 3, 0], [0, 0, 0, 1]])
    out = Doubler(aggr)(x, edge_index)
    reduce = {"sum": torch.sum, "mean": torch.mean, "max": lambda t, dim: t.amax(dim)}[aggr]
    check.close(out[0], reduce(2 * x[1:], 0), atol=1e-12)
    check.close(out[1], 2 * x[0], atol=1e-12)
    check.close(out[2:], torch.zeros(2, 3, dtype=torch.float64), atol=0)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="aggr"):
        gnn.MessagePassing("min")
    with pytest.raises(ValueError, match="outside"):
        Doubler()(torch.randn(2, 3), torch.tensor([[0], [2]]))
    with pytest.raises(ValueError, match="2-D"):
        Doubler()(torch.randn(2), torch.tensor([[0], [1]]))
