import numpy as np
import pytest
import torch

import dlbook
from dlbook import qlearning as ql
from dlbook.qlearning import dqn as dqn_module


def tiny(**kw):
    return ql.DQNConfig(**{**dict(total_steps=300, learning_starts=100, eval_every=150, eval_episodes=2,
                                  buffer_size=200, batch_size=16, hidden=(16,)), **kw})


@pytest.mark.parametrize("change", [{}, dict(target_update=0), dict(replay=False), dict(double=True)])
def test_train_dqn_runs_every_variant_and_records_history(change):
    net, history = ql.train_dqn(tiny(**change), device="cpu")
    assert history.epochs == [150, 300] and not history.interrupted
    assert set(history.keys()) == {"eval_return", "train_return", "loss", "q_mean", "epsilon", "seconds"}
    assert all(np.isfinite(history["loss"])) and history["eval_return"][0] >= 8
    assert net(torch.zeros(3, 4)).shape == (3, 2)


def test_same_seed_same_run():
    a = ql.train_dqn(tiny(seed=3), device="cpu")[1]
    b = ql.train_dqn(tiny(seed=3), device="cpu")[1]
    assert a["loss"] == b["loss"] and a["eval_return"] == b["eval_return"]


def test_the_td_target_carries_no_gradient(monkeypatch):
    seen = []

    def spy(input, target, **kw):
        seen.append(target.requires_grad)
        return dlbook.losses.huber(input, target, **kw)
    monkeypatch.setattr(dqn_module, "huber", spy)
    ql.train_dqn(tiny(total_steps=150, target_update=0), device="cpu")
    assert seen and not any(seen)


def test_interrupt_keeps_history_and_nan_loss_stops(monkeypatch):
    calls = []

    def interrupt(*args, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return np.array([10.0])
    monkeypatch.setattr(dqn_module, "evaluate_greedy", interrupt)
    _, history = ql.train_dqn(tiny(), device="cpu")
    assert history.interrupted and len(history) == 1
    monkeypatch.setattr(dqn_module, "huber", lambda input, target, **kw: (input - target).sum() * float("nan"))
    with pytest.raises(dlbook.TrainingDiverged, match="DQN loss became nan at step 104"):
        ql.train_dqn(tiny(), device="cpu")


def test_evaluate_greedy_runs_episodes_side_by_side():
    class AlwaysLeft(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))

        def forward(self, x):
            return torch.stack([torch.ones(len(x)), torch.zeros(len(x))], 1) + 0 * self.w
    returns = ql.evaluate_greedy(AlwaysLeft(), "CartPole-v1", episodes=4)
    assert returns.shape == (4,) and (returns < 15).all() and (returns >= 8).all()
    with pytest.raises(ValueError, match="episodes"):
        ql.evaluate_greedy(AlwaysLeft(), "CartPole-v1", episodes=0)


def test_q_network_shapes():
    net = ql.q_network(6, 3, hidden=(8, 5))
    assert net(torch.randn(7, 6)).shape == (7, 3)
    assert [m.out_features for m in net if isinstance(m, torch.nn.Linear)] == [8, 5, 3]


def test_wrong_environments_and_settings_name_the_problem():
    with pytest.raises(TypeError, match="finite set of actions"):
        ql.train_dqn(tiny(env_id="Pendulum-v1"), device="cpu")
    with pytest.raises(TypeError, match="flat vector"):
        ql.make_env("FrozenLake-v1")
    with pytest.raises(TypeError, match="DQNConfig"):
        ql.train_dqn(dict(total_steps=10), device="cpu")
    for bad in (dict(total_steps=0), dict(batch_size=300), dict(gamma=1.5), dict(learning_rate=0.0),
                dict(target_update=-1), dict(epsilon_start=-0.1), dict(max_grad_norm=0.0)):
        with pytest.raises(ValueError):
            tiny(**bad)
