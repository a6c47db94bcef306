"""The 1-Weisfeiler–Leman test (colour refinement): the yardstick for what message passing can tell apart."""
import hashlib
from collections import Counter

import networkx as nx


def _name(value) -> str:
    # a short canonical name for a colour, the same in every graph (no shared dictionary needed)
    return hashlib.sha1(repr(value).encode()).hexdigest()[:16]


def wl_colors(g, iterations: int | None = None, node_attr: str | None = None) -> list[Counter]:
    """The histogram of 1-WL colours of ``g`` after ``0, 1, …, iterations`` rounds of refinement.

    Every node starts with the same colour (or its ``node_attr`` value); in each round a node's
    new colour is its old one together with the *multiset* of its neighbours' colours. Colours
    are canonical names, so histograms of different graphs can be compared. ``iterations``
    defaults to the number of nodes, after which the partition cannot refine further.
    """
    if not isinstance(g, nx.Graph) or g.is_directed():
        raise TypeError(f"g must be an undirected networkx.Graph, got {type(g).__name__}")
    if iterations is None:
        iterations = g.number_of_nodes()
    if isinstance(iterations, bool) or not isinstance(iterations, int) or iterations < 0:
        raise ValueError(f"iterations must be a non-negative int, got {iterations!r}")
    colour = {v: _name(g.nodes[v].get(node_attr) if node_attr else 0) for v in g.nodes}
    history = [Counter(colour.values())]
    for _ in range(iterations):
        colour = {v: _name((colour[v], sorted(colour[u] for u in g.neighbors(v)))) for v in g.nodes}
        history.append(Counter(colour.values()))
    return history


def wl_test(g1, g2, iterations: int | None = None, node_attr: str | None = None) -> bool:
    """``True`` when 1-WL colour refinement cannot tell ``g1`` and ``g2`` apart (possibly isomorphic).

    ``False`` proves the graphs are not isomorphic; ``True`` does not prove that they are.
    """
    if iterations is None:
        iterations = max(g1.number_of_nodes(), g2.number_of_nodes()) if isinstance(g1, nx.Graph) and \
            isinstance(g2, nx.Graph) else None
    return wl_colors(g1, iterations, node_attr) == wl_colors(g2, iterations, node_attr)
