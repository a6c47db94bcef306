"""Shared Hypothesis draws for the flow tests, and the package's log-det references under short names."""
from hypothesis import strategies as st

from dlbook.flows import autograd_log_det, randomize_parameters_

batch_and_dim = st.tuples(st.integers(1, 5), st.integers(2, 7))


def randomize_(module, std=0.4, seed=0):
    return randomize_parameters_(module, std, seed)


__all__ = ["autograd_log_det", "batch_and_dim", "randomize_"]
