import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook import distributed


@settings(max_examples=20, deadline=None)
@given(times=st.lists(st.floats(0, 10), min_size=1, max_size=20), n=st.integers(1, 8))
def test_expected_max_matches_monte_carlo(times, n):
    exact = float(distributed.expected_max(times, n))
    sampled = distributed.sampled_max(times, n, draws=20000, seed=0)
    assert abs(exact - sampled) <= 0.05 * (max(times) - min(times)) + 1e-9


def test_closed_forms():
    times = np.array([1.0, 2.0, 4.0])
    assert distributed.expected_max(times, 1) == pytest.approx(times.mean())
    # two draws from {1, 2, 4}: the max is 4 unless both avoid it (4/9), then 2 unless both are 1 (1/9)
    assert distributed.expected_max(times, 2) == pytest.approx(4 * 5 / 9 + 2 * 3 / 9 + 1 / 9)
    assert distributed.expected_max(times, 10**6) == pytest.approx(4.0)
    e = distributed.expected_max(times, np.array([1, 2, 8]))
    assert e.shape == (3,) and (np.diff(e) > 0).all()
    np.testing.assert_allclose(distributed.sync_efficiency(times, np.array([1, 2])), times.mean() / e[:2])


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="empty"):
        distributed.expected_max([], 2)
    with pytest.raises(ValueError, match="finite"):
        distributed.expected_max([1.0, -1.0], 2)
    with pytest.raises(ValueError, match="n_workers"):
        distributed.expected_max([1.0], 0)
    with pytest.raises(ValueError, match="draws"):
        distributed.sampled_max([1.0], 2, 0)
