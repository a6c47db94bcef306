"""Drawing a graph of Values."""

import math

import matplotlib
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.backprop import Value, draw_graph, topological_order


def test_draw_graph_draws_every_node_and_refuses_huge_graphs():
    a, b = Value(2.0, label="a"), Value(-1.0, label="b")
    out = (a * b + a).tanh()
    out.backward()
    fig = draw_graph(out)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert sum("grad" in t for t in texts) == len(topological_order(out))
    assert {"×", "+", "tanh"} <= set(texts)
    big = Value(1.0)
    for _ in range(70):
        big = big + 1
    with pytest.raises(ValueError, match="meant for small ones"):
        draw_graph(big)
