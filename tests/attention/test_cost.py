import pytest
import torch

from dlbook import attention


def test_attention_memory_is_quadratic_and_lstm_linear():
    cost = attention.sequence_cost([128, 256, 512], embed_dim=8, num_heads=2, repeats=1, device="cpu")
    att, lstm = cost["attention"]["memory"], cost["lstm"]["memory"]
    assert att[2] / att[1] > 3.5 and lstm[2] / lstm[1] < 2.2
    assert all(t > 0 for t in cost["attention"]["time"] + cost["lstm"]["time"])


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="seq_lens"):
        attention.sequence_cost([0, 4], device="cpu")
    with pytest.raises(ValueError, match="seq_lens"):
        attention.sequence_cost([], device="cpu")
    with pytest.raises(ValueError, match="repeats"):
        attention.sequence_cost([4], repeats=0, device="cpu")
