import pytest
import torch

from dlbook import distributed

from .conftest import RING_SIZES


def test_ring_all_reduce_equals_dist_all_reduce(world3):
    for rank_results in world3["ring"]:
        assert [r["size"] for r in rank_results] == list(RING_SIZES)
        for r in rank_results:
            assert r["max_error"] < 1e-12, r


def test_each_rank_sends_what_its_chunks_weigh(world3):
    for rank, rank_results in enumerate(world3["ring"]):
        for r in rank_results:
            chunks = [len(c) for c in torch.tensor_split(torch.zeros(r["size"]), 3)]
            # reduce-scatter sends chunks rank, rank−1; all-gather chunks rank+1, rank
            expected = 8 * (chunks[rank] + chunks[(rank - 1) % 3] + chunks[(rank + 1) % 3] + chunks[rank])
            assert r["bytes_sent"] == expected
    size = 3000 * 8
    assert world3["ring"][0][-1]["bytes_sent"] == distributed.ring_bytes_per_worker(3, size)


def test_bad_input_names_the_problem():
    with pytest.raises(TypeError, match="torch.Tensor"):
        distributed.ring_all_reduce([1.0, 2.0])
    with pytest.raises(ValueError, match="contiguous"):
        distributed.ring_all_reduce(torch.zeros(3, 4).t())
    with pytest.raises(RuntimeError, match="process group"):
        distributed.ring_all_reduce(torch.zeros(3))
