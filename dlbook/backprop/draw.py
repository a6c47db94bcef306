"""Drawing a computation graph of :class:`~dlbook.backprop.Value` nodes, inputs on the
left, output on the right."""

from __future__ import annotations

from .value import Value, topological_order


def draw_graph(root: Value, *, ax=None, digits: int = 3):
    """Draw the computation graph of ``root`` with matplotlib (no graphviz): inputs on the
    left, one column per step, an oval per operation and a box per value showing its data
    and grad.
    """
    import matplotlib.pyplot as plt

    order = topological_order(root)
    if len(order) > 60:
        raise ValueError(
            f"the graph has {len(order)} nodes; draw_graph is meant for small ones (≤ 60)"
        )
    column = {}
    for node in order:  # a result sits two columns right of its furthest-right input
        column[id(node)] = (
            0 if not node._prev else 2 + max(column[id(c)] for c in node._prev)
        )
    for node in order:  # an input sits just left of its first use
        if not node._prev:
            uses = [column[id(n)] for n in order if any(c is node for c in n._prev)]
            column[id(node)] = min(uses) - 2 if uses else 0
    rows: dict[int, int] = {}
    place = {}
    for node in order:
        c = column[id(node)]
        place[id(node)] = (c, rows.get(c, 0))
        rows[c] = rows.get(c, 0) + 1
    height = max(rows.values())
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.35 * (max(rows) + 2), 0.9 * height + 0.8))
    else:
        fig = ax.figure

    def xy(node, op=False):
        c, r = place[id(node)]
        return (c - (1 if op else 0), (rows[c] - 1) / 2 - r)

    box = dict(boxstyle="round,pad=0.3", fc="#eef3fb", ec="#4c72b0")
    oval = dict(boxstyle="circle,pad=0.25", fc="#fdf0e0", ec="#dd8452")
    arrow = dict(arrowstyle="->", color="0.45", shrinkA=14, shrinkB=14)
    for node in order:
        text = (
            f"{node.label} | " if node.label else ""
        ) + f"{node.data:.{digits}g}\ngrad {node.grad:.{digits}g}"
        ax.annotate(text, xy(node), ha="center", va="center", fontsize=8, bbox=box)
        if node._prev:
            ax.annotate(
                node._op,
                xy(node, op=True),
                ha="center",
                va="center",
                fontsize=9,
                bbox=oval,
            )
            ax.annotate("", xy(node), xy(node, op=True), arrowprops=arrow)
            for child in node._prev:
                ax.annotate("", xy(node, op=True), xy(child), arrowprops=arrow)
    xs = [xy(n)[0] for n in order]
    ax.set_xlim(min(xs) - 0.8, max(xs) + 0.8)
    ax.set_ylim(-height / 2, height / 2)
    ax.axis("off")
    return fig
