import pytest
import torch
from hypothesis import given, settings, strategies as st

from dlbook import qlearning as ql


@settings(max_examples=30, deadline=None)
@given(capacity=st.integers(1, 8), adds=st.integers(1, 20), dim=st.integers(1, 3))
def test_buffer_keeps_the_last_capacity_transitions(capacity, adds, dim):
    buffer = ql.ReplayBuffer(capacity, (dim,))
    for t in range(adds):
        buffer.add(torch.full((dim,), float(t)), t % 2, float(t), torch.full((dim,), t + 1.0), t % 3 == 0)
    assert len(buffer) == min(capacity, adds)
    kept = sorted(buffer.rewards[:len(buffer)].tolist())
    assert kept == [float(t) for t in range(max(0, adds - capacity), adds)]
    obs, actions, rewards, next_obs, terminated = buffer.sample(16, torch.Generator().manual_seed(0))
    assert obs.shape == next_obs.shape == (16, dim) and actions.dtype == torch.int64
    assert set(rewards.tolist()) <= set(kept)
    # every sampled row is one stored transition: next_obs = obs + 1, action = t mod 2
    assert torch.equal(next_obs, obs + 1) and torch.equal(actions, rewards.long() % 2)
    assert torch.equal(terminated, (rewards.long() % 3 == 0).float())
    n = len(buffer)
    latest = buffer.latest(n)[2]
    assert latest.tolist() == [float(t) for t in range(adds - n, adds)], "oldest first"


def test_sampling_is_uniform():
    buffer = ql.ReplayBuffer(4, (1,))
    for t in range(4):
        buffer.add([t], 0, float(t), [t], False)
    rewards = buffer.sample(40_000, torch.Generator().manual_seed(1))[2]
    counts = torch.bincount(rewards.long(), minlength=4).float() / 40_000
    assert (counts - 0.25).abs().max() < 0.01


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="capacity"):
        ql.ReplayBuffer(0, (2,))
    buffer = ql.ReplayBuffer(3, (2,))
    with pytest.raises(ValueError, match="empty"):
        buffer.sample(2)
    with pytest.raises(ValueError, match="shape"):
        buffer.add([1.0, 2.0, 3.0], 0, 0.0, [1.0, 2.0], False)
    buffer.add([1.0, 2.0], 0, 0.0, [1.0, 2.0], False)
    with pytest.raises(ValueError, match="batch_size"):
        buffer.sample(0)
    with pytest.raises(ValueError, match="batch_size"):
        buffer.latest(2)
