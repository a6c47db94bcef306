import gymnasium as gym
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from dlbook import qlearning as ql


def chain(p_stay):
    """Two states: in 0, action 0 stays (reward 1) with p_stay, else ends; action 1 ends with reward 2."""
    return {0: {0: [(p_stay, 0, 1.0, False), (1 - p_stay, 1, 1.0, True)], 1: [(1.0, 1, 2.0, True)]},
            1: {0: [(1.0, 1, 0.0, True)], 1: [(1.0, 1, 0.0, True)]}}


@pytest.mark.parametrize("p_stay, gamma", [(0.5, 0.9), (0.9, 0.99), (1.0, 0.5)])
def test_value_iteration_matches_the_closed_form(p_stay, gamma):
    # staying forever is worth 1 / (1 − γ p) per the geometric series; ending at once is worth 2
    Q = ql.value_iteration(chain(p_stay), gamma)
    stay = 1 + gamma * p_stay * max(2.0, 1 / (1 - gamma * p_stay))
    assert np.isclose(Q[0, 0], stay, atol=1e-8) and np.isclose(Q[0, 1], 2.0)
    assert np.allclose(Q[1], 0.0)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), gamma=st.floats(0.0, 0.99), S=st.integers(2, 6), A=st.integers(1, 4))
def test_the_optimality_operator_is_a_gamma_contraction(seed, gamma, S, A):
    rng = np.random.default_rng(seed)
    R = rng.normal(size=(S, A))
    M = rng.dirichlet(np.ones(S), size=(S, A)) * rng.uniform(0.5, 1.0, size=(S, A, 1))
    Q1, Q2 = rng.normal(size=(S, A)), rng.normal(size=(S, A))
    gap = np.abs(ql.bellman_optimality(Q1, R, M, gamma) - ql.bellman_optimality(Q2, R, M, gamma)).max()
    assert gap <= gamma * np.abs(Q1 - Q2).max() + 1e-12


@pytest.mark.parametrize("env_id, gamma", [("FrozenLake-v1", 0.95), ("CliffWalking-v1", 0.99)])
def test_value_and_policy_iteration_agree_and_satisfy_bellman(env_id, gamma):
    P = gym.make(env_id).unwrapped.P
    R, M = ql.tabular_model(P)
    Q = ql.value_iteration(P, gamma)
    assert np.abs(ql.bellman_optimality(Q, R, M, gamma) - Q).max() < 1e-9
    Q_pi, policy, rounds = ql.policy_iteration(P, gamma)
    assert np.allclose(Q_pi, Q, atol=1e-8) and (policy.argmax(1) == Q.argmax(1)).all() and rounds >= 1
    assert np.allclose(ql.greedy_policy(Q).sum(1), 1.0)


def test_policy_evaluation_satisfies_the_expectation_equation():
    P = gym.make("FrozenLake-v1").unwrapped.P
    R, M = ql.tabular_model(P)
    policy = np.full((16, 4), 0.25)
    Q = ql.policy_evaluation(P, policy, 0.9)
    assert np.allclose(ql.bellman_expectation(Q, policy, R, M, 0.9), Q, atol=1e-12)


def test_bad_input_names_the_problem():
    P = chain(0.5)
    R, M = ql.tabular_model(P)
    with pytest.raises(ValueError, match="gamma"):
        ql.value_iteration(P, 1.0)
    with pytest.raises(ValueError, match="gamma"):
        ql.bellman_optimality(np.zeros((2, 2)), R, M, -0.1)
    with pytest.raises(ValueError, match="tol"):
        ql.value_iteration(P, 0.9, tol=0)
    with pytest.raises(ValueError, match="shape"):
        ql.bellman_optimality(np.zeros((3, 2)), R, M, 0.9)
    with pytest.raises(ValueError, match="probability distribution"):
        ql.bellman_expectation(np.zeros((2, 2)), np.full((2, 2), 0.7), R, M, 0.9)
    with pytest.raises(ValueError, match="policy must have shape"):
        ql.policy_evaluation(P, np.ones((2, 3)) / 3, 0.9)
    with pytest.raises(ValueError, match="n_states, n_actions"):
        ql.greedy_policy(np.zeros(3))
    with pytest.raises(TypeError, match="no transition table"):
        ql.value_iteration(gym.make("CartPole-v1"), 0.9)
    with pytest.raises(RuntimeError, match="did not reach"):
        ql.value_iteration(P, 0.99, max_iterations=2)
