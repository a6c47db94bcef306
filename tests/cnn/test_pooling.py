import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn
from torch.nn import functional as F

from dlbook import check, cnn


@settings(max_examples=50, deadline=None)
@given(k=st.integers(1, 4), s=st.integers(1, 3), p=st.integers(0, 2), d=st.integers(1, 2), size=st.integers(7, 9),
       seed=st.integers(0, 99), include=st.booleans())
def test_pooling_equals_torch(k, s, p, d, size, seed, include):
    p = min(p, k // 2)
    x = torch.randn(2, 3, size, size, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    check.close(cnn.max_pool2d(x, k, s, p, d), F.max_pool2d(x, k, s, p, d), atol=0, rtol=0)
    check.close(cnn.avg_pool2d(x, k, s, p, include), F.avg_pool2d(x, k, s, p, count_include_pad=include),
                atol=1e-12)


def test_stride_defaults_to_kernel_and_modules_match():
    x = torch.randn(2, 3, 8, 8)
    print(check.same_as_torch(cnn.MaxPool2d(2), nn.MaxPool2d(2), x))
    print(check.same_as_torch(cnn.AvgPool2d(3, 2, 1), nn.AvgPool2d(3, 2, 1), x))


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="half the kernel"):
        cnn.max_pool2d(torch.randn(1, 1, 5, 5), 2, padding=2)
    with pytest.raises(ValueError, match="kernel_size"):
        cnn.MaxPool2d(0)
    with pytest.raises(ValueError, match="4-D"):
        cnn.avg_pool2d(torch.randn(5, 5), 2)
