import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import dlbook
from dlbook import qlearning as ql
from dlbook.qlearning import policy_gradient as pg_module


@settings(max_examples=40, deadline=None)
@given(rewards=st.lists(st.floats(-5, 5), min_size=1, max_size=30), gamma=st.floats(0.0, 1.0))
def test_returns_to_go_is_the_discounted_sum(rewards, gamma):
    G = ql.returns_to_go(rewards, gamma)
    direct = [sum(gamma ** k * rewards[t + k] for k in range(len(rewards) - t)) for t in range(len(rewards))]
    assert G.shape == (len(rewards),) and G.dtype == torch.float32
    assert np.allclose(G.numpy(), direct, atol=1e-4, rtol=1e-5)


def test_train_reinforce_runs_and_records_history():
    config = ql.ReinforceConfig(total_steps=400, eval_every=200, eval_episodes=2, hidden=(16,))
    policy, history = ql.train_reinforce(config, device="cpu")
    assert len(history) >= 2 and history.epochs[-1] == 400
    assert set(history.keys()) == {"eval_return", "train_return", "entropy", "seconds"}
    assert 0 < history["entropy"][0] <= np.log(2) + 1e-6
    assert policy(torch.zeros(1, 4)).shape == (1, 2)


def test_reinforce_learns_a_little():
    config = ql.ReinforceConfig(total_steps=3000, eval_every=3000, eval_episodes=5, seed=0)
    _, history = ql.train_reinforce(config, device="cpu")
    assert history["eval_return"][-1] > 40  # a random policy lasts about 20 steps


def test_interrupt_keeps_history_and_nan_stops(monkeypatch):
    monkeypatch.setattr(pg_module, "evaluate_greedy",
                        lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt))
    _, history = ql.train_reinforce(ql.ReinforceConfig(total_steps=300, eval_every=100), device="cpu")
    assert history.interrupted and len(history) == 0
    monkeypatch.setattr(pg_module, "reinforce_surrogate", lambda log_prob, reward, baseline=None:
                        log_prob.sum() * float("nan"))
    with pytest.raises(dlbook.TrainingDiverged, match="surrogate became nan"):
        ql.train_reinforce(ql.ReinforceConfig(total_steps=300), device="cpu")


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="one episode"):
        ql.returns_to_go(torch.zeros(2, 3), 0.9)
    with pytest.raises(ValueError, match="gamma"):
        ql.returns_to_go([1.0], 1.5)
    with pytest.raises(TypeError, match="ReinforceConfig"):
        ql.train_reinforce(ql.DQNConfig(), device="cpu")
    with pytest.raises(TypeError, match="finite set of actions"):
        ql.train_reinforce(ql.ReinforceConfig(env_id="Pendulum-v1"), device="cpu")
    for bad in (dict(total_steps=0), dict(episodes_per_update=0), dict(gamma=2.0), dict(learning_rate=-1.0)):
        with pytest.raises(ValueError):
            ql.ReinforceConfig(**bad)
