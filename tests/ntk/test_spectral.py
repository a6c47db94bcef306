import math

import pytest
import torch
from hypothesis import given, settings, strategies as st

from dlbook import check
from dlbook.ntk import circulant_eigenvalues, fourier_amplitudes, on_circle, relu_ntk, uniform_angles


def test_points_on_the_circle():
    t = uniform_angles(8)
    check.close(t[1] - t[0], 2 * math.pi / 8, atol=1e-15)
    check.close(on_circle(t).norm(dim=1), torch.ones(8, dtype=torch.float64), atol=1e-15)


@settings(max_examples=20, deadline=None)
@given(st.integers(8, 40), st.floats(-2, 2), st.floats(-2, 2), st.floats(-1, 1))
def test_amplitudes_of_a_known_signal(n, a, b, c):
    t = uniform_angles(n)
    k = n // 4 if n // 4 < n / 2 else 1
    values = c + a * torch.cos(k * t) + b * torch.sin(k * t)
    amplitudes = fourier_amplitudes(values, [0, k])
    # the sampled cos kt and sin kt are orthogonal with squared norm N/2
    check.close(amplitudes, torch.tensor([abs(c) * math.sqrt(n), math.hypot(a, b) * math.sqrt(n / 2)]), atol=1e-9)
    assert fourier_amplitudes(values[None].repeat(3, 1), [k]).shape == (3, 1)
    if n % 2 == 0:  # the highest frequency, N/2, has only a cosine: (−1)^j
        check.close(fourier_amplitudes(a * torch.cos(n // 2 * t), [n // 2]), torch.tensor([abs(a) * math.sqrt(n)]),
                    atol=1e-9)


@pytest.mark.parametrize("depth", [1, 3])
def test_eigenvalues_of_the_circulant_ntk(depth):
    t = uniform_angles(16)
    kernel = relu_ntk(on_circle(t), depth=depth, bias_std=0.4)
    lam = circulant_eigenvalues(kernel[0], range(9))  # k = 0..8, all distinct eigenvalues of the 16 × 16 matrix
    expected = torch.cat([lam[:1], lam[1:8].repeat_interleave(2), lam[8:]])
    check.close(torch.linalg.eigvalsh(kernel), torch.sort(expected).values, atol=1e-10)
    for k in (1, 5):
        mode = torch.cos(k * t)
        check.close(kernel @ mode, lam[k] * mode, atol=1e-10)


def test_bad_input_names_the_problem():
    t = uniform_angles(8)
    with pytest.raises(ValueError, match="cannot be resolved on 8 points"):
        fourier_amplitudes(torch.sin(t), [5])
    with pytest.raises(TypeError, match="frequencies must be ints"):
        circulant_eigenvalues(torch.sin(t), [1.5])
    with pytest.raises(ValueError, match=r"kernel_row must have shape \(N,\)"):
        circulant_eigenvalues(torch.ones(3, 8), [1])
    with pytest.raises(TypeError, match="floating-point"):
        on_circle(torch.arange(4))
    with pytest.raises(ValueError, match="n must be an int"):
        uniform_angles(1)
