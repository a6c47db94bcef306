"""Attention over neighbours: GAT's additive scores, and the transformer's dot-product scores on any graph."""
import math

import torch
from torch import nn
from torch.nn import functional as F

from ._validate import check_graph, check_positive_int, check_width
from .matrices import add_self_loops
from .message_passing import MessagePassing
from .gather_scatter import segment_softmax


class GATConv(MessagePassing):
    """Graph attention (Veličković et al.): ``x'_i = ‖_h Σ_{j ∈ N(i) ∪ {i}} α^h_ij W^h x_j + b``.

    Per head ``h``, ``α^h_ij = softmax_j LeakyReLU(a_dst^h · W^h x_i + a_src^h · W^h x_j)``, the
    softmax running over the neighbours of ``i`` (and ``i`` itself when ``add_self_loops``).
    ``x: (N, in_features)`` → ``(N, heads · out_features)`` with ``concat``, else the heads'
    mean ``(N, out_features)``. The last attention weights are kept in ``self.attention``
    (``(E, heads)``, in the order of the edges used).
    """

    def __init__(self, in_features: int, out_features: int, heads: int = 1, concat: bool = True,
                 negative_slope: float = 0.2, add_self_loops: bool = True, bias: bool = True):
        super().__init__(aggr="sum")
        for value, name in ((in_features, "in_features"), (out_features, "out_features"), (heads, "heads")):
            check_positive_int(value, name)
        if negative_slope < 0:
            raise ValueError(f"negative_slope must be non-negative, got {negative_slope}")
        self.in_features, self.heads, self.out_features, self.concat = in_features, heads, out_features, concat
        self.negative_slope, self.add_self_loops = negative_slope, add_self_loops
        self.lin = nn.Linear(in_features, heads * out_features, bias=False)
        self.att_src = nn.Parameter(torch.empty(heads, out_features))
        self.att_dst = nn.Parameter(torch.empty(heads, out_features))
        size = heads * out_features if concat else out_features
        self.bias = nn.Parameter(torch.zeros(size)) if bias else None
        nn.init.xavier_uniform_(self.att_src)
        nn.init.xavier_uniform_(self.att_dst)
        self.attention = None

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        check_graph(x, edge_index)
        check_width(x, self.in_features)
        if self.add_self_loops:
            edge_index = add_self_loops(edge_index, x.shape[0])
        out = self.propagate(self.lin(x), edge_index)  # (N, heads · out_features)
        if not self.concat:
            out = out.view(-1, self.heads, self.out_features).mean(1)
        return out if self.bias is None else out + self.bias

    def message(self, x_j, x_i, edge_index, num_nodes, **kwargs):
        h_j = x_j.view(-1, self.heads, self.out_features)  # (E, heads, out)
        h_i = x_i.view(-1, self.heads, self.out_features)
        scores = F.leaky_relu((h_i * self.att_dst).sum(-1) + (h_j * self.att_src).sum(-1), self.negative_slope)
        alpha = segment_softmax(scores, edge_index[1], num_nodes)  # (E, heads)
        self.attention = alpha.detach()
        return (alpha[:, :, None] * h_j).flatten(1)


class DotProductAttentionConv(MessagePassing):
    """Multi-head scaled dot-product attention restricted to a graph's edges: the transformer's mixing step.

    ``q, k, v`` are ``x`` projected by ``in_proj_weight``/``in_proj_bias``; node ``i`` attends to
    the nodes ``j`` with an edge ``j → i``, with weights ``softmax_j(q_i · k_j / sqrt(d))`` per head,
    and the heads' outputs are concatenated and projected by ``out_proj``. Parameter names match
    ``torch.nn.MultiheadAttention``, so its state dict loads unchanged; on the complete graph
    (:func:`dlbook.gnn.complete_graph`) this *is* self-attention. ``x: (N, embed_dim)`` → ``(N, embed_dim)``.
    """

    def __init__(self, embed_dim: int, num_heads: int = 1, bias: bool = True):
        super().__init__(aggr="sum")
        check_positive_int(embed_dim, "embed_dim")
        check_positive_int(num_heads, "num_heads")
        if embed_dim % num_heads:
            raise ValueError(f"embed_dim ({embed_dim}) must be divisible by num_heads ({num_heads})")
        self.embed_dim, self.num_heads, self.head_dim = embed_dim, num_heads, embed_dim // num_heads
        self.in_proj_weight = nn.Parameter(torch.empty(3 * embed_dim, embed_dim))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * embed_dim)) if bias else None
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        nn.init.xavier_uniform_(self.in_proj_weight)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor) -> torch.Tensor:
        check_graph(x, edge_index)
        check_width(x, self.embed_dim)
        qkv = F.linear(x, self.in_proj_weight, self.in_proj_bias)  # (N, 3 · embed_dim): q | k | v
        return self.propagate(qkv, edge_index)

    def message(self, x_j, x_i, edge_index, num_nodes, **kwargs):
        shape = (-1, self.num_heads, self.head_dim)
        q_i = x_i[:, :self.embed_dim].reshape(shape)
        k_j, v_j = (part.reshape(shape) for part in x_j[:, self.embed_dim:].chunk(2, dim=1))
        scores = (q_i * k_j).sum(-1) / math.sqrt(self.head_dim)  # (E, heads)
        alpha = segment_softmax(scores, edge_index[1], num_nodes)
        return (alpha[:, :, None] * v_j).flatten(1)  # (E, embed_dim)

    def update(self, aggregated, x, **kwargs):
        return self.out_proj(aggregated)


def complete_graph(num_nodes: int, self_loops: bool = True, device=None) -> torch.Tensor:
    """The ``edge_index`` ``(2, N²)`` (or ``(2, N(N−1))`` without self-loops) of every ordered pair of nodes."""
    check_positive_int(num_nodes, "num_nodes")
    nodes = torch.arange(num_nodes, device=device)
    source, target = nodes.repeat(num_nodes), nodes.repeat_interleave(num_nodes)
    keep = torch.ones_like(source, dtype=torch.bool) if self_loops else source != target
    return torch.stack([source[keep], target[keep]])
