import pytest
import torch
from hypothesis import given, settings, strategies as st

from dlbook import check, gnn


@settings(max_examples=30, deadline=None)
@given(rows=st.integers(1, 30), nodes=st.integers(1, 8), features=st.integers(1, 4), seed=st.integers(0, 99))
def test_scatter_matches_a_dense_loop(rows, nodes, features, seed):
    gen = torch.Generator().manual_seed(seed)
    src = torch.randn(rows, features, dtype=torch.float64, generator=gen)
    index = torch.randint(0, nodes, (rows,), generator=gen)
    one_hot = torch.nn.functional.one_hot(index, nodes).double().T  # (nodes, rows)
    count = one_hot.sum(1, keepdim=True)
    check.close(gnn.scatter(src, index, nodes, "sum"), one_hot @ src, atol=1e-12)
    check.close(gnn.scatter(src, index, nodes, "mean"), one_hot @ src / count.clamp_min(1), atol=1e-12)
    expected_max = torch.stack([src[index == i].amax(0) if (index == i).any() else torch.zeros(features,
                                dtype=torch.float64) for i in range(nodes)])
    check.close(gnn.scatter(src, index, nodes, "max"), expected_max, atol=0, rtol=0)


def test_segment_softmax_is_a_softmax_per_group():
    scores = torch.randn(7, 2, dtype=torch.float64)
    index = torch.tensor([0, 0, 1, 1, 1, 3, 3])
    weights = gnn.segment_softmax(scores * 100, index, 4)
    for i in (0, 1, 3):
        check.close(weights[index == i], torch.softmax(scores[index == i] * 100, 0), atol=1e-12)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="reduce"):
        gnn.scatter(torch.randn(3, 2), torch.zeros(3, dtype=torch.long), 2, "min")
    with pytest.raises(ValueError, match="one entry per row"):
        gnn.scatter(torch.randn(3, 2), torch.zeros(4, dtype=torch.long), 2)
    with pytest.raises(ValueError, match="2-D"):
        gnn.scatter(torch.randn(3), torch.zeros(3, dtype=torch.long), 2)
    with pytest.raises(TypeError, match="integer"):
        gnn.scatter(torch.randn(3, 2), torch.zeros(3), 2)
    with pytest.raises(ValueError, match="dim_size"):
        gnn.scatter(torch.randn(3, 2), torch.zeros(3, dtype=torch.long), -1)
    with pytest.raises(ValueError, match="scores"):
        gnn.segment_softmax(torch.randn(3), torch.zeros(3, dtype=torch.long), 1)
