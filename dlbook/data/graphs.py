"""Graph data sets built with networkx generators, returned as tensors: an ``edge_index (2, E)`` per graph.

Every undirected edge appears in both directions, so ``edge_index`` describes the symmetric
adjacency matrix; nodes are numbered ``0 … N−1`` in the order of ``g.nodes``.
"""
import networkx as nx
import torch


def from_networkx(g) -> torch.Tensor:
    """The ``edge_index`` ``(2, 2·|edges|)`` of an undirected networkx graph, both directions of every edge."""
    if not isinstance(g, nx.Graph) or g.is_directed():
        raise TypeError(f"g must be an undirected networkx.Graph, got {type(g).__name__}")
    number = {node: i for i, node in enumerate(g.nodes)}
    pairs = [(number[u], number[v]) for u, v in g.edges if u != v]
    if not pairs:
        return torch.zeros(2, 0, dtype=torch.long)
    one_way = torch.tensor(pairs, dtype=torch.long).T
    return torch.cat([one_way, one_way.flip(0)], dim=1)


def karate_club() -> tuple[torch.Tensor, torch.Tensor]:
    """Zachary's karate club: ``edge_index (2, 156)`` and the faction of each of the 34 members ``(34,)``.

    Label 0 is the instructor's faction ("Mr. Hi", member 0), label 1 the officer's (member 33).
    """
    g = nx.karate_club_graph()
    labels = torch.tensor([0 if g.nodes[v]["club"] == "Mr. Hi" else 1 for v in g.nodes])
    return from_networkx(g), labels


def stochastic_block_model(sizes, p_in: float, p_out: float, *, num_features: int = 16,
                           feature_signal: float = 1.0, seed: int = 0):
    """A stochastic-block-model graph with noisy node features; returns ``(x, edge_index, labels)``.

    ``sizes``: the number of nodes per block (class). An edge joins two nodes of the same block
    with probability ``p_in`` and of different blocks with ``p_out``. Features ``x: (N, num_features)``
    are Gaussian noise plus ``feature_signal`` times a random unit vector per class, so the graph
    and the features each carry part of the label. ``labels: (N,)``. Built with networkx's sparse
    sampler: time and memory grow with the number of edges, not ``N²``.
    """
    sizes = list(sizes)
    if len(sizes) < 2 or any(not isinstance(s, int) or s < 1 for s in sizes):
        raise ValueError(f"sizes must list at least two positive block sizes, got {sizes}")
    for p, name in ((p_in, "p_in"), (p_out, "p_out")):
        if not 0 <= p <= 1:
            raise ValueError(f"{name} must be a probability in [0, 1], got {p}")
    if num_features < 1:
        raise ValueError(f"num_features must be positive, got {num_features}")
    k = len(sizes)
    probabilities = [[p_in if a == b else p_out for b in range(k)] for a in range(k)]
    g = nx.stochastic_block_model(sizes, probabilities, seed=seed, sparse=True)
    labels = torch.repeat_interleave(torch.arange(k), torch.tensor(sizes))
    gen = torch.Generator().manual_seed(seed)
    centres = torch.nn.functional.normalize(torch.randn(k, num_features, generator=gen), dim=1)
    x = torch.randn(len(labels), num_features, generator=gen) + feature_signal * centres[labels]
    return x, from_networkx(g), labels


FAMILIES = ("erdos_renyi", "barabasi_albert", "watts_strogatz")


def graph_families(num_graphs: int, *, min_nodes: int = 12, max_nodes: int = 30, seed: int = 0):
    """Graphs from three networkx generators with the same mean degree (about 4), for graph classification.

    Returns ``(edge_indices, num_nodes, labels)``: a list of ``(2, E_g)`` tensors, a list of node
    counts and ``labels: (num_graphs,)`` — 0 Erdős–Rényi ``G(n, 4/(n−1))``, 1 Barabási–Albert
    (2 edges per new node: a few hubs), 2 Watts–Strogatz (a ring lattice of degree 4, 10 % rewired).
    The classes share size and density and differ in how the edges are arranged.
    """
    if num_graphs < 1:
        raise ValueError(f"num_graphs must be positive, got {num_graphs}")
    if not 5 <= min_nodes <= max_nodes:
        raise ValueError(f"need 5 <= min_nodes <= max_nodes, got {min_nodes} and {max_nodes}")
    gen = torch.Generator().manual_seed(seed)
    edge_indices, counts, labels = [], [], []
    for i in range(num_graphs):
        n = int(torch.randint(min_nodes, max_nodes + 1, (), generator=gen))
        label = i % len(FAMILIES)
        s = seed * 100_003 + i
        if label == 0:
            g = nx.gnp_random_graph(n, 4 / (n - 1), seed=s)
        elif label == 1:
            g = nx.barabasi_albert_graph(n, 2, seed=s)
        else:
            g = nx.watts_strogatz_graph(n, 4, 0.1, seed=s)
        edge_indices.append(from_networkx(g))
        counts.append(n)
        labels.append(label)
    return edge_indices, counts, torch.tensor(labels)
