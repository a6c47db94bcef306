import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn
from torch.nn import functional as F

from dlbook import check, cnn


@st.composite
def conv_settings(draw):
    groups = draw(st.integers(1, 3))
    c_in, c_out = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    stride, dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3))), (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    h = draw(st.integers(max(1, dilation[0] * (kh - 1) + 1 - 2 * padding[0]), 7))
    w = draw(st.integers(max(1, dilation[1] * (kw - 1) + 1 - 2 * padding[1]), 7))
    gen = torch.Generator().manual_seed(draw(st.integers(0, 999)))
    x = torch.randn(draw(st.integers(1, 2)), c_in, h, w, generator=gen, dtype=torch.float64)
    weight = torch.randn(c_out, c_in // groups, kh, kw, generator=gen, dtype=torch.float64)
    bias = torch.randn(c_out, generator=gen, dtype=torch.float64) if draw(st.booleans()) else None
    return x, weight, bias, dict(stride=stride, padding=padding, dilation=dilation, groups=groups)


@settings(max_examples=60, deadline=None)
@given(conv_settings())
def test_both_convolutions_equal_torch(case):
    x, weight, bias, kw = case
    expected = F.conv2d(x, weight, bias, **kw)
    check.close(cnn.conv2d(x, weight, bias, **kw), expected, atol=1e-12)
    check.close(cnn.conv2d_direct(x, weight, bias, **kw), expected, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(conv_settings())
def test_im2col_equals_unfold(case):
    x, weight, _, kw = case
    k = weight.shape[2:]
    check.close(cnn.im2col(x, k, kw["stride"], kw["padding"], kw["dilation"]),
                F.unfold(x, k, kw["dilation"], kw["padding"], kw["stride"]), atol=0, rtol=0)


@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("kernel", [(3, 3), (4, 2)])
def test_string_padding(padding, kernel):
    x, w = torch.randn(2, 3, 7, 6, dtype=torch.float64), torch.randn(4, 3, *kernel, dtype=torch.float64)
    check.close(cnn.conv2d(x, w, padding=padding, dilation=2), F.conv2d(x, w, padding=padding, dilation=2))


def test_output_size_formula_matches_torch_on_a_grid():
    for size in (5, 8, 11):
        for k in (1, 2, 3, 5):
            for s in (1, 2, 3):
                for p in (0, 1, 2):
                    for d in (1, 2):
                        if size + 2 * p < d * (k - 1) + 1:
                            continue
                        out = F.conv2d(torch.zeros(1, 1, size, size), torch.zeros(1, 1, k, k), stride=s, padding=p,
                                       dilation=d)
                        assert cnn.conv_output_size(size, k, s, p, d) == out.shape[-1]


@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1), dict(dilation=2, groups=2, bias=False),
                                dict(padding=1, padding_mode="circular"), dict(padding=1, padding_mode="reflect")])
def test_module_swaps_for_nn_conv2d(kw):
    torch.manual_seed(0)
    theirs, ours = nn.Conv2d(4, 6, 3, **kw), cnn.Conv2d(4, 6, 3, **kw)
    assert ours.state_dict().keys() == theirs.state_dict().keys()
    assert ours.weight.shape == theirs.weight.shape
    print(check.same_as_torch(ours, theirs, torch.randn(2, 4, 7, 7)))


def test_module_initialisation_has_torchs_scale():
    torch.manual_seed(0)
    w = cnn.Conv2d(8, 64, 3).weight
    bound = 1 / (8 * 9) ** 0.5
    assert w.abs().max() <= bound and w.abs().max() > 0.9 * bound


def test_bad_input_names_the_problem():
    x, w = torch.randn(1, 4, 5, 5), torch.randn(2, 4, 3, 3)
    with pytest.raises(ValueError, match="4-D"):
        cnn.conv2d(x[0], w)
    with pytest.raises(ValueError, match="channels"):
        cnn.conv2d(x, torch.randn(2, 3, 3, 3))
    with pytest.raises(ValueError, match="divisible by groups"):
        cnn.conv2d(x, torch.randn(3, 2, 3, 3), groups=2)
    with pytest.raises(ValueError, match="stride"):
        cnn.conv2d(x, w, stride=0)
    with pytest.raises(ValueError, match="padding"):
        cnn.conv2d(x, w, padding="full")
    with pytest.raises(ValueError, match="kernel spans"):
        cnn.conv2d(x, torch.randn(2, 4, 7, 7))
    with pytest.raises(ValueError, match="bias"):
        cnn.conv2d(x, w, torch.randn(3))
    with pytest.raises(TypeError, match="tensor"):
        cnn.conv2d_direct([[1.0]], w)
    with pytest.raises(ValueError, match="divisible by groups"):
        cnn.Conv2d(4, 5, 3, groups=2)
    with pytest.raises(ValueError, match="padding_mode"):
        cnn.Conv2d(4, 5, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="size"):
        cnn.conv_output_size(0, 3)
