"""Chapter 16: Q-learning — Bellman equations solved on a known model, tabular Q-learning, SARSA and
Double Q-learning, deep Q-networks with replay and a target network, and REINFORCE for contrast."""
from .dqn import DQNConfig, evaluate_greedy, make_env, q_network, train_dqn
from .dynamic_programming import (bellman_expectation, bellman_optimality, greedy_policy, policy_evaluation,
                                  policy_iteration, value_iteration)
from .environments import (Discretize, MaximizationBias, require_discrete_actions, require_discrete_states,
                           tabular_model, transition_table)
from .policy_gradient import ReinforceConfig, returns_to_go, train_reinforce
from .replay import ReplayBuffer
from .schedules import epsilon_greedy, linear_schedule, visit_learning_rate
from .tabular import TabularConfig, greedy_path, q_learning, sarsa

__all__ = [
    "DQNConfig", "Discretize", "MaximizationBias", "ReinforceConfig", "ReplayBuffer", "TabularConfig",
    "bellman_expectation", "bellman_optimality", "epsilon_greedy", "evaluate_greedy", "greedy_path",
    "greedy_policy", "linear_schedule", "make_env", "policy_evaluation", "policy_iteration", "q_learning",
    "q_network", "require_discrete_actions", "require_discrete_states", "returns_to_go", "sarsa",
    "tabular_model", "train_dqn", "train_reinforce", "transition_table", "value_iteration",
    "visit_learning_rate",
]
