import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook import attention, check


@settings(max_examples=20, deadline=None)
@given(half=st.integers(1, 16), k=st.integers(-20, 40))
def test_shift_is_one_linear_map(half, k):
    D = 2 * half
    pe = attention.sinusoidal_encoding(100, D, dtype=torch.float64)
    R = attention.sinusoidal_shift(k, D)
    lo, hi = max(0, -k), min(100, 100 - k)
    check.close(pe[lo:hi] @ R.T, pe[lo + k:hi + k], atol=1e-9)
    check.close(R @ R.T, torch.eye(D, dtype=torch.float64), atol=1e-12)  # a rotation


def test_sinusoidal_closed_form():
    pe = attention.sinusoidal_encoding(10, 4, dtype=torch.float64)
    t = 7
    expected = [math.sin(t), math.cos(t), math.sin(t / 100), math.cos(t / 100)]
    check.close(pe[t], torch.tensor(expected, dtype=torch.float64), atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(half=st.integers(1, 8), m=st.integers(0, 50), n=st.integers(0, 50), shift=st.integers(0, 30), seed=st.integers(0, 99))
def test_rope_depends_on_relative_position(half, m, n, shift, seed):
    D = 2 * half
    gen = torch.Generator().manual_seed(seed)
    q, k = torch.randn(1, D, dtype=torch.float64, generator=gen), torch.randn(1, D, dtype=torch.float64, generator=gen)
    score = lambda a, b: (attention.rotary(q, torch.tensor([a])) @ attention.rotary(k, torch.tensor([b])).T).item()  # noqa: E731
    assert abs(score(m, n) - score(m + shift, n + shift)) < 1e-9
    check.close(torch.tensor(score(m, n)), q[0] @ attention.sinusoidal_shift(m - n, D) @ k[0], atol=1e-9)


def test_rope_keeps_norms_and_batches():
    x = torch.randn(2, 3, 7, 8)
    out = attention.rotary(x)
    check.close(out.norm(dim=-1), x.norm(dim=-1), atol=1e-5)
    check.close(out[..., 0, :], x[..., 0, :], atol=0, rtol=0)  # position 0 is not rotated


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="even"):
        attention.sinusoidal_encoding(4, 5)
    with pytest.raises(ValueError, match="num_positions"):
        attention.sinusoidal_encoding(0, 4)
    with pytest.raises(ValueError, match="base"):
        attention.frequencies(4, base=1.0)
    with pytest.raises(TypeError, match="shift"):
        attention.sinusoidal_shift(1.5, 4)
    with pytest.raises(ValueError, match="even"):
        attention.rotary(torch.randn(3, 5))
    with pytest.raises(ValueError, match="positions"):
        attention.rotary(torch.randn(3, 4), torch.arange(4))
    with pytest.raises(TypeError, match="floating"):
        attention.rotary(torch.ones(3, 4, dtype=torch.int64))
    with pytest.raises(ValueError, match=r"\(\.\.\., T, D\)"):
        attention.rotary(torch.randn(4))
