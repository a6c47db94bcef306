"""GCN, GraphSAGE and GIN as instances of :class:`dlbook.gnn.MessagePassing`.

Each maps ``(x: (N, F), edge_index: (2, E)) → (N, F')``.
"""
import torch
from torch import nn

from ._validate import check_graph, check_positive_int, check_width
from .matrices import add_self_loops, degree
from .message_passing import MessagePassing


class GCNConv(MessagePassing):
    """Kipf and Welling's graph convolution ``X' = Â X Wᵀ + b`` with ``Â = D̃^{-1/2}(A + I)D̃^{-1/2}``.

    As message passing: node ``i`` sums ``x_j Wᵀ / sqrt(d̃_i d̃_j)`` over its neighbours and
    itself (``d̃`` counts the self-loop). ``x: (N, in_features)`` → ``(N, out_features)``.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True):
        super().__init__(aggr="sum")
        check_positive_int(in_features, "in_features")
        check_positive_int(out_features, "out_features")
        self.in_features = in_features
        self.lin = nn.Linear(in_features, out_features, bias=False)
        self.bias = nn.Parameter(torch.zeros(out_features)) if bias else None

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        check_graph(x, edge_index)
        check_width(x, self.in_features)
        n = x.shape[0]
        edge_index = add_self_loops(edge_index, n)
        d_inv_sqrt = degree(edge_index[1], n, dtype=x.dtype).rsqrt()
        norm = d_inv_sqrt[edge_index[0]] * d_inv_sqrt[edge_index[1]]  # 1/sqrt(d̃_j d̃_i), one per edge
        out = self.propagate(self.lin(x), edge_index, norm=norm)
        return out if self.bias is None else out + self.bias

    def message(self, x_j, x_i, norm, **kwargs):
        return norm[:, None] * x_j


class SAGEConv(MessagePassing):
    """GraphSAGE: ``x'_i = W_self x_i + W_neigh · aggr_{j ∈ N(i)} x_j + b`` (Hamilton et al.), ``aggr`` mean by default.

    ``x: (N, in_features)`` → ``(N, out_features)``. A node without neighbours gets zero from the
    neighbour term.
    """

    def __init__(self, in_features: int, out_features: int, aggr: str = "mean", bias: bool = True):
        super().__init__(aggr=aggr)
        check_positive_int(in_features, "in_features")
        check_positive_int(out_features, "out_features")
        self.in_features = in_features
        self.lin_self = nn.Linear(in_features, out_features, bias=bias)
        self.lin_neigh = nn.Linear(in_features, out_features, bias=False)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        check_graph(x, edge_index)
        check_width(x, self.in_features)
        return self.propagate(x, edge_index)

    def update(self, aggregated, x, **kwargs):
        return self.lin_self(x) + self.lin_neigh(aggregated)


class GINConv(MessagePassing):
    """The graph isomorphism network layer ``x'_i = MLP((1 + ε) x_i + Σ_{j ∈ N(i)} x_j)`` (Xu et al.).

    The MLP is ``Linear(in, out) → ReLU → Linear(out, out)``; ``ε`` is a fixed number, or a
    parameter with ``train_eps=True``. ``x: (N, in_features)`` → ``(N, out_features)``.
    """

    def __init__(self, in_features: int, out_features: int, eps: float = 0.0, train_eps: bool = False):
        super().__init__(aggr="sum")
        check_positive_int(in_features, "in_features")
        check_positive_int(out_features, "out_features")
        self.in_features = in_features
        self.mlp = nn.Sequential(nn.Linear(in_features, out_features), nn.ReLU(),
                                 nn.Linear(out_features, out_features))
        eps = torch.tensor(float(eps))
        if train_eps:
            self.eps = nn.Parameter(eps)
        else:
            self.register_buffer("eps", eps)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        check_graph(x, edge_index)
        check_width(x, self.in_features)
        return self.propagate(x, edge_index)

    def update(self, aggregated, x, **kwargs):
        return self.mlp((1 + self.eps) * x + aggregated)
