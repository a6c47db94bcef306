import numpy as np
import pytest

from dlbook import qlearning as ql


def test_linear_schedule():
    assert ql.linear_schedule(1.0, 0.1, 10, 0) == 1.0
    assert np.isclose(ql.linear_schedule(1.0, 0.1, 10, 5), 0.55)
    assert ql.linear_schedule(1.0, 0.1, 10, 10) == ql.linear_schedule(1.0, 0.1, 10, 99) == 0.1
    assert ql.linear_schedule(1.0, 0.1, 0, 0) == 0.1
    with pytest.raises(ValueError, match="duration"):
        ql.linear_schedule(1.0, 0.1, -1, 0)
    with pytest.raises(ValueError, match="t must"):
        ql.linear_schedule(1.0, 0.1, 5, -1)


def test_visit_learning_rate_meets_robbins_monro_for_power_above_half():
    rates = np.array([ql.visit_learning_rate(1.0, n, 0.8) for n in range(1, 20001)])
    assert np.isclose(rates[0], 1.0) and np.isclose(rates[99], 100 ** -0.8)
    assert (rates ** 2).sum() < 1 / (1 - 2 ** -0.6) * 5  # bounded: Σ n^-1.6 converges
    assert ql.visit_learning_rate(0.3, 7, 0.0) == 0.3
    for bad in (dict(alpha=0.0, visits=1, power=0.5), dict(alpha=0.5, visits=1, power=1.5),
                dict(alpha=0.5, visits=0, power=0.5)):
        with pytest.raises(ValueError):
            ql.visit_learning_rate(**bad)


def test_epsilon_greedy_frequencies_and_ties():
    rng = np.random.default_rng(0)
    q = np.array([0.0, 1.0, 0.5])
    picks = np.array([ql.epsilon_greedy(q, 0.3, rng) for _ in range(20_000)])
    expected = np.array([0.1, 0.8, 0.1])  # ε/A each, plus 1 − ε on the best
    assert np.abs(np.bincount(picks, minlength=3) / len(picks) - expected).max() < 0.015
    ties = [ql.epsilon_greedy(np.array([1.0, 1.0, 0.0]), 0.0, rng) for _ in range(2000)]
    assert set(ties) == {0, 1} and abs(np.mean(ties) - 0.5) < 0.05
    with pytest.raises(ValueError, match="probability"):
        ql.epsilon_greedy(q, 1.5, rng)
    with pytest.raises(ValueError, match="n_actions"):
        ql.epsilon_greedy(np.zeros((2, 2)), 0.1, rng)
