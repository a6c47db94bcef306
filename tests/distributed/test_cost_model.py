import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlbook import distributed


@given(n=st.integers(1, 4096))
def test_the_tree_schedule_reduces_everything_to_rank_0_in_log2_rounds(n):
    rounds = distributed.tree_schedule(n)
    assert len(rounds) == math.ceil(math.log2(n))
    values = {r: {r} for r in range(n)}  # who has contributed to what each rank holds
    for pairs in rounds:
        senders = [src for src, _ in pairs]
        assert len(set(senders)) == len(senders)  # one message per rank per round
        for src, dst in pairs:
            values[dst] |= values.pop(src)
    assert values == {0: set(range(n))}


def test_closed_forms():
    n, s, a, b = np.array([1, 2, 4, 1024]), 1e8, 1e-5, 1e9
    np.testing.assert_allclose(distributed.ring_time(n, s, a, b), 2 * (n - 1) * (a + s / (n * b)))
    np.testing.assert_allclose(distributed.tree_time(n, s, a, b), 2 * np.log2(n) * (a + s / b))
    np.testing.assert_allclose(distributed.parameter_server_time(n, s, a, b),
                               np.where(n > 1, 2 * (a + n * s / b), 0))
    assert distributed.ring_bytes_per_worker(4, 400) == 600
    # the ring's bandwidth term tends to 2S/β: independent of N
    assert distributed.ring_time(10**6, s, 0.0, b) == pytest.approx(2 * s / b, rel=1e-5)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="n_workers"):
        distributed.ring_time(0, 1.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="n_workers"):
        distributed.tree_time(2.5, 1.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="size_bytes"):
        distributed.parameter_server_time(2, -1.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="alpha"):
        distributed.ring_time(2, 1.0, -1.0, 1.0)
    with pytest.raises(ValueError, match="beta"):
        distributed.ring_time(2, 1.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="n_workers"):
        distributed.tree_schedule(0)
