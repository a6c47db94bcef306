import gymnasium as gym
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from dlbook import qlearning as ql

CHAPTER_ENVS = ("FrozenLake-v1", "CliffWalking-v1", "CartPole-v1")


@pytest.mark.parametrize("env_id", CHAPTER_ENVS)
def test_every_environment_of_the_chapter_steps_with_the_current_gymnasium_api(env_id):
    env = gym.make(env_id)
    obs, info = env.reset(seed=0)
    assert env.observation_space.contains(obs) and isinstance(info, dict)
    env.action_space.seed(0)
    for _ in range(50):
        result = env.step(env.action_space.sample())
        assert len(result) == 5, "step returns (obs, reward, terminated, truncated, info)"
        obs, reward, terminated, truncated, info = result
        assert env.observation_space.contains(obs)
        assert isinstance(float(reward), float) and isinstance(terminated, bool) and isinstance(truncated, bool)
        if terminated or truncated:
            obs, _ = env.reset()
    env.close()


def test_cartpole_is_truncated_at_500_and_the_toy_texts_have_a_table():
    env = gym.make("CartPole-v1")
    assert env.spec.max_episode_steps == 500
    for env_id in CHAPTER_ENVS[:2]:
        assert isinstance(gym.make(env_id).unwrapped.P, dict)


def test_tabular_model_of_frozen_lake():
    env = gym.make("FrozenLake-v1")
    R, M = ql.tabular_model(env.unwrapped.P)
    assert R.shape == (16, 4) and M.shape == (16, 4, 16)
    # from the hole 5 nothing goes on; from the start everything does
    assert M[5].sum() == 0 and np.allclose(M[0].sum(1), 1.0)
    # state 14, action right: one third reaches the goal (reward 1, terminal)
    assert np.isclose(R[14, 2], 1 / 3) and np.isclose(M[14, 2].sum(), 2 / 3)
    assert ql.transition_table(env) is env.unwrapped.P


def test_an_environment_without_a_table_is_refused():
    with pytest.raises(TypeError, match="no transition table"):
        ql.transition_table(gym.make("CartPole-v1"))
    with pytest.raises(TypeError, match="P must be a dict"):
        ql.tabular_model([[0.5]])


@pytest.mark.parametrize("P, message", [
    ({0: {0: [(1.5, 0, 0.0, False)]}}, "outside"),
    ({0: {0: [(0.5, 0, 0.0, False)]}}, "sum to"),
    ({0: {0: [(1.0, 3, 0.0, False)]}}, "leads to state"),
    ({0: {0: [(1.0, 0, 0.0, False)]}, 1: {0: [(1.0, 0, 0.0, True)], 1: [(1.0, 0, 0.0, True)]}}, "same number"),
    ({0: {1: [(1.0, 0, 0.0, False)]}}, "numbered"),
])
def test_bad_tables_name_the_problem(P, message):
    with pytest.raises(ValueError, match=message):
        ql.tabular_model(P)


def test_wrong_kinds_of_environment_raise_type_errors():
    with pytest.raises(TypeError, match="finite set of actions"):
        ql.require_discrete_actions(gym.make("Pendulum-v1"))
    with pytest.raises(TypeError, match="discrete states"):
        ql.require_discrete_states(gym.make("CartPole-v1"))
    with pytest.raises(TypeError, match="gymnasium.Env"):
        ql.require_discrete_actions("CartPole-v1")
    assert ql.require_discrete_states(gym.make("CliffWalking-v1")) == 48


def test_maximization_bias_table_matches_its_samples_and_its_values():
    env = ql.MaximizationBias(n_actions=4, mean=-0.1)
    R, M = ql.tabular_model(env.P)
    assert np.allclose(R[1], -0.1) and np.allclose(R[0], 0.0) and M[0, 0, 1] == 1 and M[1].sum() == 0
    Q = ql.value_iteration(env.P, 0.9)
    assert np.isclose(Q[0, 0], -0.09) and np.allclose(Q[0, 1:], 0.0)
    env.reset(seed=0)
    rewards = []
    for _ in range(4000):
        env.reset()
        assert env.step(0)[:3] == (1, 0.0, False)
        s, r, terminated, truncated, _ = env.step(2)
        assert (s, terminated, truncated) == (2, True, False) and r in (0.9, -1.1)
        rewards.append(r)
    assert abs(np.mean(rewards) + 0.1) < 4 / np.sqrt(4000)
    with pytest.raises(ValueError, match="n_actions"):
        ql.MaximizationBias(n_actions=1)


@settings(max_examples=40, deadline=None)
@given(x=st.lists(st.floats(-10, 10), min_size=4, max_size=4))
def test_discretize_is_a_mixed_radix_index_of_clipped_bins(x):
    bins, low, high = np.array([2, 3, 4, 5]), np.array([-1.0, -2, -3, -4]), np.array([1.0, 2, 3, 4])
    env = ql.Discretize(gym.make("CartPole-v1"), bins, low, high)
    state = env.observation(np.array(x, dtype=np.float32))
    assert env.observation_space.contains(state)
    expected = [min(max(int((xi - lo) / (hi - lo) * b), 0), b - 1)
                for xi, lo, hi, b in zip(np.array(x, dtype=np.float32), low, high, bins)]
    assert np.unravel_index(state, bins) == tuple(expected)


def test_discretize_rejects_bad_settings():
    with pytest.raises(TypeError, match="Box"):
        ql.Discretize(gym.make("FrozenLake-v1"), [2], [0], [1])
    with pytest.raises(ValueError, match="one entry per coordinate"):
        ql.Discretize(gym.make("CartPole-v1"), [2, 2], [0, 0], [1, 1])
    with pytest.raises(ValueError, match="high > low"):
        ql.Discretize(gym.make("CartPole-v1"), [2] * 4, [0] * 4, [0] * 4)
