"""Chapter 11: graph neural networks — sets, graph matrices and spectra, message passing (GCN, GraphSAGE,
GIN, GAT), node and graph classification, the 1-WL limit, positional encodings and over-smoothing."""
from .attention import DotProductAttentionConv, GATConv, complete_graph
from .layers import GCNConv, GINConv, SAGEConv
from .matrices import (add_self_loops, degree, dense_adjacency, dirichlet_energy, laplacian, normalized_adjacency,
                       sparse_adjacency)
from .message_passing import MessagePassing
from .models import GNN, GraphClassifier, batch_graphs, global_pool
from .positional import laplacian_positional_encoding, random_node_features
from .scaling import time_forward_backward
from .gather_scatter import scatter, segment_softmax
from .sets import DeepSets, set_task
from .smoothing import distance_to_mean, propagation_distances
from .spectral import chebyshev_filter, graph_fourier_basis, spectral_filter
from .wl import wl_colors, wl_test

__all__ = [
    "DeepSets", "DotProductAttentionConv", "GATConv", "GCNConv", "GINConv", "GNN", "GraphClassifier",
    "MessagePassing", "SAGEConv", "add_self_loops", "batch_graphs", "chebyshev_filter", "complete_graph", "degree",
    "dense_adjacency", "dirichlet_energy", "distance_to_mean", "global_pool", "graph_fourier_basis", "laplacian",
    "laplacian_positional_encoding", "normalized_adjacency", "propagation_distances", "random_node_features",
    "scatter", "segment_softmax", "set_task", "sparse_adjacency", "spectral_filter",
    "time_forward_backward", "wl_colors", "wl_test",
]
