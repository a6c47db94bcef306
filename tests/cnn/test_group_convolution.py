import pytest
import torch
from hypothesis import given, settings, strategies as st

from dlbook import check, cnn


@settings(max_examples=20, deadline=None)
@given(size=st.integers(3, 9), c_in=st.integers(1, 3), c_out=st.integers(1, 3), seed=st.integers(0, 99))
def test_lifting_and_group_conv_are_rotation_equivariant(size, c_in, c_out, seed):
    torch.manual_seed(seed)
    x = torch.randn(2, c_in, size, size, dtype=torch.float64)
    lift, conv = cnn.P4Lifting(c_in, c_out, 3, padding=1).double(), cnn.P4Conv(c_out, 2, 3, padding=1).double()
    for r in range(4):
        y, y_rot = lift(x), lift(cnn.rotate(x, r))
        check.close(y_rot, cnn.rotate_p4(y, r), atol=1e-12)
        check.close(conv(y_rot), cnn.rotate_p4(conv(y), r), atol=1e-12)


def test_p4cnn_is_invariant_and_an_ordinary_cnn_is_not():
    torch.manual_seed(0)
    x = torch.randn(3, 1, 8, 8, dtype=torch.float64)
    net = cnn.P4CNN(width=4).double()
    check.close(net(cnn.rotate(x)), net(x), atol=1e-12)
    plain = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.Conv2d(4, 4, 3)).double()
    assert (plain(cnn.rotate(x)) - cnn.rotate(plain(x))).abs().max() > 1e-3


def test_rotate_p4_four_times_is_the_identity():
    y = torch.randn(1, 2, 4, 5, 5)
    assert torch.equal(cnn.rotate_p4(y, 4), y)
    assert torch.equal(cnn.rotate(cnn.rotate(y, 1), 3), y)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="p4 feature maps"):
        cnn.rotate_p4(torch.zeros(1, 2, 3, 4, 4))
    with pytest.raises(ValueError, match="expected p4 maps"):
        cnn.P4Conv(2, 2, 3)(torch.zeros(1, 3, 4, 5, 5))
    with pytest.raises(ValueError, match="4-D"):
        cnn.P4Lifting(1, 2, 3)(torch.zeros(5, 5))
