import pytest
import torch

from dlbook.sampling import BernoulliBandit, train_bandit


def test_pull_pays_with_the_arm_probability():
    bandit = BernoulliBandit([0.2, 0.7])
    n = 50_000
    arms = torch.arange(2).repeat(n)
    rewards = bandit.pull(arms, generator=torch.Generator().manual_seed(0)).view(n, 2)
    assert set(rewards.unique().tolist()) <= {0.0, 1.0}
    se = (0.25 / n) ** 0.5
    assert (rewards.mean(0) - bandit.probs).abs().max() < 5 * se


@pytest.mark.parametrize("baseline", ["none", "leave-one-out", "learned"])
def test_reinforce_finds_the_better_arm(baseline):
    history = train_bandit(BernoulliBandit([0.3, 0.7]), steps=150, lr=0.5, batch_size=8, baseline=baseline,
                           seed=0, device="cpu")
    assert len(history) == 150 and history["p_best"][0] < 0.7 < history["p_best"][-1]
    assert history["regret"][-1] == pytest.approx(0.4 * (1 - history["p_best"][-1]), abs=1e-6)


def test_interrupt_keeps_the_history(monkeypatch):
    bandit = BernoulliBandit([0.3, 0.7])
    calls = {"n": 0}
    real = bandit.pull

    def pull(arms, generator=None):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(arms, generator=generator)

    monkeypatch.setattr(bandit, "pull", pull)
    history = train_bandit(bandit, steps=10, device="cpu")
    assert history.interrupted and len(history) == 2


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        BernoulliBandit([0.5, 1.5])
    with pytest.raises(ValueError, match="K >= 2"):
        BernoulliBandit([0.5])
    with pytest.raises(TypeError, match="floating"):
        BernoulliBandit(torch.tensor([0, 1]))
    bandit = BernoulliBandit([0.5, 0.6])
    with pytest.raises(TypeError, match="integer"):
        bandit.pull(torch.tensor([0.0]))
    with pytest.raises(ValueError, match="arm indices"):
        bandit.pull(torch.tensor([2]))
    with pytest.raises(TypeError, match="BernoulliBandit"):
        train_bandit("CartPole-v1", steps=3)
    with pytest.raises(ValueError, match="baseline"):
        train_bandit(bandit, steps=3, baseline="critic")
    with pytest.raises(ValueError, match="batch_size"):
        train_bandit(bandit, steps=3, batch_size=1)
    with pytest.raises(ValueError, match="steps"):
        train_bandit(bandit, steps=0)
    with pytest.raises(ValueError, match="lr"):
        train_bandit(bandit, steps=3, lr=0)
