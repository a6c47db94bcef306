import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.utils.data import DistributedSampler

from dlbook import distributed


def test_ddp_equals_the_hand_written_version(world3):
    for by_hand, ddp in zip(world3["sync"], world3["ddp"]):
        torch.testing.assert_close(ddp["parameters"], by_hand["parameters"], atol=1e-12, rtol=0)


@settings(max_examples=25, deadline=None)
@given(world_size=st.integers(1, 5), per_rank=st.integers(1, 6), shuffle=st.booleans(),
       seed=st.integers(0, 100), epoch=st.integers(0, 3))
def test_sampler_indices_are_distributed_samplers(world_size, per_rank, shuffle, seed, epoch):
    n = world_size * per_rank
    for rank in range(world_size):
        sampler = DistributedSampler(range(n), num_replicas=world_size, rank=rank, shuffle=shuffle, seed=seed)
        sampler.set_epoch(epoch)
        assert distributed.sampler_indices(n, world_size, rank, shuffle=shuffle, seed=seed, epoch=epoch) \
            == list(sampler)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="multiple of world_size"):
        distributed.sampler_indices(7, 2, 0)
    with pytest.raises(ValueError, match="rank"):
        distributed.sampler_indices(8, 2, 2)
