import math

import pytest

from dlbook import distributed

from .conftest import THROUGHPUT


def test_throughput_is_measured_for_each_group_size(world3):
    for measured in world3["throughput"]:
        assert set(measured) == {1, 2, 3}
        assert all(math.isfinite(v) and v > 0 for v in measured.values())
    assert world3["throughput"][0] == world3["throughput"][2]  # every rank reports the same


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="sizes"):
        distributed.throughput_worker(0, 2, THROUGHPUT, (3,))
