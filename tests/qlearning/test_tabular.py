import gymnasium as gym
import numpy as np
import pytest

from dlbook import TrainingDiverged
from dlbook import qlearning as ql


def one_step_config(**kw):
    return ql.TabularConfig(**{**dict(episodes=1, gamma=0.9, alpha=0.5, epsilon_start=0.0, epsilon_end=0.0),
                               **kw})


def test_one_q_learning_update_is_the_formula():
    env = ql.MaximizationBias(n_actions=2)
    # start optimistic, so the greedy first action (ties → random, both 1.0) is taken and updated
    Q, history = ql.q_learning(env, one_step_config(initial_q=1.0))
    # whatever happened, every updated entry moved half way to its target, and the episode is recorded
    assert len(history) == 1 and history["length"][0] in (1, 2)
    if history["length"][0] == 1:  # action ≠ 0 ended the episode with reward 0: target 0
        assert np.isclose(Q[0, 1], 0.5 * 1.0 + 0.5 * 0.0)
    else:  # went to B (target 0 + 0.9 · max Q(B) = 0.9), then B's action ended with reward ±1 − 0.1
        assert np.isclose(Q[0, 0], 0.5 + 0.5 * 0.9)
        assert sorted(np.round(Q[1], 6).tolist())[0] in (0.95, -0.05)


def test_q_learning_converges_to_q_star_on_a_small_deterministic_mdp():
    env = gym.make("FrozenLake-v1", is_slippery=False)
    q_star = ql.value_iteration(env.unwrapped.P, 0.9)
    config = ql.TabularConfig(episodes=2000, gamma=0.9, alpha=1.0, epsilon_start=1.0, epsilon_end=1.0)
    Q, history = ql.q_learning(env, config, q_star=q_star)
    # deterministic transitions and α = 1: each update copies its exact target; enough sweeps give Q*
    assert history["error"][-1] < 1e-6 and history["error"][0] > 0.1
    assert np.allclose(Q, q_star, atol=1e-6)


def test_double_q_learning_and_sarsa_reach_sensible_tables():
    env = gym.make("FrozenLake-v1", is_slippery=False)
    q_star = ql.value_iteration(env.unwrapped.P, 0.9)
    config = ql.TabularConfig(episodes=2000, gamma=0.9, alpha=1.0, epsilon_start=1.0, epsilon_end=1.0,
                              double=True)
    Q, history = ql.q_learning(env, config, q_star=q_star)
    assert history["error"][-1] < 1e-3
    # SARSA with ε = 1 learns the value of the random policy, which policy_evaluation gives exactly
    sarsa_config = ql.TabularConfig(episodes=3000, gamma=0.9, alpha=1.0, alpha_power=1.0, epsilon_start=1.0,
                                    epsilon_end=1.0)
    Q_s, _ = ql.sarsa(env, sarsa_config)
    Q_random = ql.policy_evaluation(env.unwrapped.P, np.full((16, 4), 0.25), 0.9)
    reachable = np.abs(Q_random).sum(1) > 0
    assert np.abs(Q_s - Q_random)[reachable].max() < 0.05


def test_cliff_walking_sarsa_is_safer_than_q_learning():
    env = gym.make("CliffWalking-v1")
    config = ql.TabularConfig(episodes=300, gamma=1.0, alpha=0.2, epsilon_start=0.1, epsilon_end=0.1)
    _, q_return = ql.greedy_path(env, ql.q_learning(env, config)[0])
    _, s_return = ql.greedy_path(env, ql.sarsa(env, config)[0])
    assert q_return == -13 and s_return < -13


def test_total_steps_caps_the_run():
    env = gym.make("CliffWalking-v1")
    _, history = ql.q_learning(env, ql.TabularConfig(episodes=1000, total_steps=250))
    assert sum(history["length"]) == 250


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_interrupt_keeps_the_history_and_non_finite_tables_stop():
    env = gym.make("FrozenLake-v1")

    def stop(episode, Q):
        if episode == 2:
            raise KeyboardInterrupt
    for learner in (ql.q_learning, ql.sarsa):
        _, history = learner(env, ql.TabularConfig(episodes=10), callback=stop)
        assert history.interrupted and len(history) == 3
        with pytest.raises(TrainingDiverged, match="non-finite") as caught:
            learner(env, ql.TabularConfig(episodes=5, initial_q=float("inf")))
        assert len(caught.value.history) == 0


def test_bad_input_names_the_problem():
    with pytest.raises(TypeError, match="discrete states"):
        ql.q_learning(gym.make("CartPole-v1"), ql.TabularConfig())
    with pytest.raises(TypeError, match="finite set of actions"):
        ql.sarsa(gym.make("Pendulum-v1"), ql.TabularConfig())
    env = gym.make("FrozenLake-v1")
    with pytest.raises(ValueError, match="q_star must have shape"):
        ql.q_learning(env, ql.TabularConfig(), q_star=np.zeros((4, 4)))
    with pytest.raises(TypeError, match="TabularConfig"):
        ql.q_learning(env, dict(episodes=3))
    with pytest.raises(ValueError, match="SARSA"):
        ql.sarsa(env, ql.TabularConfig(double=True))
    for bad in (dict(episodes=0), dict(gamma=1.5), dict(alpha=0.0), dict(epsilon_end=2.0),
                dict(alpha_power=3.0), dict(max_steps=0), dict(total_steps=0)):
        with pytest.raises(ValueError):
            ql.TabularConfig(**bad)
    with pytest.raises(ValueError, match="Q must have shape"):
        ql.greedy_path(env, np.zeros((3, 4)))
