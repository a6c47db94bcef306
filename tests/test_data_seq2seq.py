import pytest
import torch

from dlbook.data.seq2seq import reverse_digits


def test_targets_are_reversed_sources_and_seeded():
    src, tgt = reverse_digits(50, 7, seed=3)
    assert src.shape == tgt.shape == (50, 7) and src.dtype == torch.int64
    assert torch.equal(tgt, src.flip(1)) and src.min() >= 0 and src.max() <= 9
    assert torch.equal(reverse_digits(50, 7, seed=3)[0], src)
    assert not torch.equal(reverse_digits(50, 7, seed=4)[0], src)
    assert reverse_digits(200, 3, num_digits=3)[0].max() == 2


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="length"):
        reverse_digits(5, 0)
    with pytest.raises(ValueError, match="n must"):
        reverse_digits(0, 3)
    with pytest.raises(ValueError, match="num_digits"):
        reverse_digits(5, 3, num_digits=1)
