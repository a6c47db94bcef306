import math

import matplotlib
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook.backprop import Value, draw_graph, topological_order

finite = st.floats(-2.0, 2.0, allow_nan=False)


def expression(a, b, c, lib):
    """The same expression for Value (lib=None) and torch scalars (lib=torch); a and b are
    used several times."""
    exp = (lambda x: x.exp()) if lib is None else torch.exp
    log = (lambda x: x.log()) if lib is None else torch.log
    tanh = (lambda x: x.tanh()) if lib is None else torch.tanh
    relu = (lambda x: x.relu()) if lib is None else torch.relu
    sigmoid = (lambda x: x.sigmoid()) if lib is None else torch.sigmoid
    d = a * b + 3 - b / 2
    e = tanh(d) * a + relu(c - 0.5) + sigmoid(2 * b)
    f = log(exp(a) + 1.5) ** 2 - 1 / (c**2 + 1) + (-e) * d
    g = 2 ** (a / 3) + 1 - f / 4
    return g * a + e


@settings(max_examples=25, deadline=None)
@given(finite, finite, finite)
def test_value_matches_torch_in_float64(a, b, c):
    va, vb, vc = Value(a), Value(b), Value(c)
    out = expression(va, vb, vc, None)
    out.backward()
    ta, tb, tc = (
        torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in (a, b, c)
    )
    ref = expression(ta, tb, tc, torch)
    ref.backward()
    assert out.data == pytest.approx(ref.item(), rel=1e-12, abs=1e-12)
    for v, t in ((va, ta), (vb, tb), (vc, tc)):
        assert v.grad == pytest.approx(t.grad.item(), rel=1e-10, abs=1e-10)


def test_a_node_used_twice_accumulates_both_contributions():
    x = Value(3.0)
    y = x * x + x  # dy/dx = 2x + 1
    y.backward()
    assert x.grad == 7.0
    y.zero_grad()
    assert x.grad == 0.0
    y.backward()
    assert x.grad == 7.0


def test_numbers_on_either_side():
    x = Value(2.0)
    for out, value, grad in [
        (1 + x, 3, 1),
        (x + 1, 3, 1),
        (3 * x, 6, 3),
        (x * 3, 6, 3),
        (1 - x, -1, -1),
        (x - 1, 1, 1),
        (1 / x, 0.5, -0.25),
        (x / 4, 0.5, 0.25),
        (-x, -2, -1),
        (3**x, 9, 9 * math.log(3)),
    ]:
        x.grad = 0.0
        out.backward()
        assert (out.data, x.grad) == (pytest.approx(value), pytest.approx(grad))


def test_deep_graph_does_not_hit_the_recursion_limit():
    x = Value(0.5)
    y = x
    for _ in range(20_000):  # far past Python's default recursion limit of 1000
        y = y * 1.0001
    y.backward()
    assert x.grad == pytest.approx(1.0001**20_000)


def test_topological_order_puts_every_input_first():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = topological_order(e)
    assert len(order) == 5 and order[-1] is e
    position = {id(n): i for i, n in enumerate(order)}
    for node in order:
        assert all(position[id(child)] < position[id(node)] for child in node._prev)


def test_bad_input_raises_clear_errors():
    with pytest.raises(TypeError, match="real number"):
        Value("3")
    with pytest.raises(TypeError, match="cannot combine a Value with str"):
        Value(1.0) + "a"
    with pytest.raises(ValueError, match="log needs a positive argument"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match="positive number as the base"):
        (-2) ** Value(1.0)
