"""One pattern for every layer in this chapter: a message per edge, a reduction per node, an update."""
import torch
from torch import nn

from ._validate import check_graph
from .gather_scatter import REDUCTIONS, scatter


class MessagePassing(nn.Module):
    """Base class: ``propagate(x, edge_index)`` computes ``x: (N, F), edge_index: (2, E) → (N, F')``.

    For every edge ``j → i`` (``j = edge_index[0, e]``, ``i = edge_index[1, e]``) it gathers
    ``x_i`` and ``x_j``, asks ``message`` for the message ``m_ij`` (``(E, F')``), reduces the
    messages arriving at each node with ``aggr`` (``"sum"``, ``"mean"`` or ``"max"``), and
    passes the result ``a_i`` to ``update``. Subclasses override ``message`` and
    ``update``; extra keyword arguments of ``propagate`` reach both.
    """

    def __init__(self, aggr: str = "sum"):
        super().__init__()
        if aggr not in REDUCTIONS:
            raise ValueError(f"aggr must be one of {REDUCTIONS}, got {aggr!r}")
        self.aggr = aggr

    def propagate(self, x: torch.Tensor, edge_index: torch.Tensor, **kwargs) -> torch.Tensor:
        check_graph(x, edge_index)
        source, target = edge_index
        messages = self.message(x[source], x[target], edge_index=edge_index, num_nodes=x.shape[0], **kwargs)
        aggregated = scatter(messages, target, x.shape[0], reduce=self.aggr)
        return self.update(aggregated, x, **kwargs)

    def message(self, x_j: torch.Tensor, x_i: torch.Tensor, **kwargs) -> torch.Tensor:
        """The message of each edge, ``(E, F) → (E, F')``: by default the sender's features."""
        return x_j

    def update(self, aggregated: torch.Tensor, x: torch.Tensor, **kwargs) -> torch.Tensor:
        """The new node features from the reduced messages ``(N, F')``: by default the reduction itself."""
        return aggregated

    def extra_repr(self) -> str:
        return f"aggr={self.aggr!r}"
