"""Networks built from the layers: a node classifier (residual or jumping-knowledge options), a graph classifier."""
import torch
from torch import nn

from ._validate import check_graph, check_positive_int
from .attention import GATConv
from .layers import GCNConv, GINConv, SAGEConv
from .gather_scatter import REDUCTIONS, scatter

CONVOLUTIONS = {"gcn": GCNConv, "sage": SAGEConv, "gin": GINConv, "gat": GATConv}


def _conv(kind: str, in_features: int, out_features: int) -> nn.Module:
    if kind not in CONVOLUTIONS:
        raise ValueError(f"conv must be one of {tuple(CONVOLUTIONS)}, got {kind!r}")
    return CONVOLUTIONS[kind](in_features, out_features)


class GNN(nn.Module):
    """``num_layers`` graph convolutions with ``tanh`` between them, then a linear read-out per node.

    ``x: (N, in_features)``, ``edge_index: (2, E)`` → logits ``(N, out_features)``, or only the rows
    ``index: (B,)`` when given (so ``fit`` can train on the labelled nodes). ``residual`` adds each
    hidden layer's input to its output, ``x ← x + tanh(conv(x))``; ``jumping_knowledge`` feeds the
    concatenation of every layer's output to the read-out (Xu et al., 2018).
    """

    def __init__(self, in_features: int, hidden: int, out_features: int, num_layers: int = 2, conv: str = "gcn",
                 residual: bool = False, jumping_knowledge: bool = False):
        super().__init__()
        for value, name in ((in_features, "in_features"), (hidden, "hidden"), (out_features, "out_features"),
                            (num_layers, "num_layers")):
            check_positive_int(value, name)
        self.residual, self.jumping_knowledge = residual, jumping_knowledge
        self.convs = nn.ModuleList(
            [_conv(conv, in_features if i == 0 else hidden, hidden) for i in range(num_layers)])
        self.head = nn.Linear(hidden * (num_layers if jumping_knowledge else 1), out_features)

    def layer_outputs(self, x: torch.Tensor, edge_index: torch.Tensor) -> list[torch.Tensor]:
        """Every layer's node features, ``[(N, hidden)] * num_layers``."""
        check_graph(x, edge_index)
        outputs = []
        for i, conv in enumerate(self.convs):
            h = torch.tanh(conv(x, edge_index))
            x = x + h if self.residual and i > 0 else h
            outputs.append(x)
        return outputs

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, index: torch.Tensor | None = None) -> torch.Tensor:
        outputs = self.layer_outputs(x, edge_index)
        h = torch.cat(outputs, dim=1) if self.jumping_knowledge else outputs[-1]
        return self.head(h if index is None else h[index])


def global_pool(x: torch.Tensor, batch: torch.Tensor, num_graphs: int, reduce: str = "sum") -> torch.Tensor:
    """One vector per graph: ``x: (N, F)`` with ``batch: (N,)`` naming each node's graph → ``(num_graphs, F)``."""
    return scatter(x, batch, num_graphs, reduce=reduce)


def batch_graphs(xs, edge_indices) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Many graphs as one disconnected graph: lists of ``x_g: (N_g, F)`` and ``edge_index_g: (2, E_g)`` →
    ``x: (ΣN_g, F)``, ``edge_index: (2, ΣE_g)`` (node numbers shifted per graph) and ``batch: (ΣN_g,)``."""
    if len(xs) != len(edge_indices) or not xs:
        raise ValueError(f"need as many edge indices as feature matrices (and at least one), "
                         f"got {len(edge_indices)} and {len(xs)}")
    offsets = torch.tensor([0] + [x.shape[0] for x in xs]).cumsum(0)
    for x, edge_index in zip(xs, edge_indices):
        check_graph(x, edge_index)
    edge_index = torch.cat([e + offset for e, offset in zip(edge_indices, offsets)], dim=1)
    batch = torch.repeat_interleave(torch.arange(len(xs)), torch.tensor([x.shape[0] for x in xs]))
    return torch.cat(xs), edge_index, batch.to(xs[0].device)


class GraphClassifier(nn.Module):
    """Graph convolutions, a ``readout`` per layer (sum, mean or max over a graph's nodes), concatenated, an MLP.

    ``forward(x: (N, in_features), edge_index: (2, E), batch: (N,))`` → logits ``(num_graphs, num_classes)``,
    with ``num_graphs = batch.max() + 1``. Reading out every layer, as Xu et al. do for GIN, keeps
    the counts of small subtrees as well as large ones.
    """

    def __init__(self, in_features: int, hidden: int, num_classes: int, num_layers: int = 3, conv: str = "gin",
                 readout: str = "sum"):
        super().__init__()
        for value, name in ((in_features, "in_features"), (hidden, "hidden"), (num_classes, "num_classes"),
                            (num_layers, "num_layers")):
            check_positive_int(value, name)
        if readout not in REDUCTIONS:
            raise ValueError(f"readout must be one of {REDUCTIONS}, got {readout!r}")
        self.readout = readout
        self.convs = nn.ModuleList(
            [_conv(conv, in_features if i == 0 else hidden, hidden) for i in range(num_layers)])
        self.head = nn.Sequential(nn.Linear(hidden * num_layers, hidden), nn.ReLU(), nn.Linear(hidden, num_classes))

    def embed(self, x: torch.Tensor, edge_index: torch.Tensor, batch: torch.Tensor) -> torch.Tensor:
        """The graph-level vector before the MLP: ``(num_graphs, hidden · num_layers)``."""
        check_graph(x, edge_index)
        if batch.dim() != 1 or batch.shape[0] != x.shape[0]:
            raise ValueError(f"batch must name the graph of each of the {x.shape[0]} nodes, got {tuple(batch.shape)}")
        num_graphs = int(batch.max()) + 1
        pooled = []
        for conv in self.convs:
            x = torch.relu(conv(x, edge_index))
            pooled.append(global_pool(x, batch, num_graphs, self.readout))
        return torch.cat(pooled, dim=1)

    def forward(self, x: torch.Tensor, edge_index: torch.Tensor, batch: torch.Tensor) -> torch.Tensor:
        return self.head(self.embed(x, edge_index, batch))
