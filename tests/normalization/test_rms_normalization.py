"""RMSNorm against torch.nn.RMSNorm and torch.nn.functional.rms_norm, over random shapes."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.nn import functional as F

from dlbook import check
from dlbook import normalization as N

from helpers import randn

pytestmark = pytest.mark.usefixtures("one_thread")


@settings(max_examples=25, deadline=None)
@given(lead=st.lists(st.integers(1, 4), min_size=0, max_size=2), normalized=st.lists(st.integers(1, 5), min_size=1,
       max_size=2), eps=st.sampled_from([None, 1e-6, 0.1]), affine=st.booleans(), seed=st.integers(0, 99))
def test_rms_norm_module_matches_torch(lead, normalized, eps, affine, seed):
    theirs = nn.RMSNorm(normalized, eps=eps, elementwise_affine=affine)
    if affine:
        with torch.no_grad():
            theirs.weight.copy_(randn(*normalized, seed=seed + 1) + 1)
    ours = N.RMSNorm(normalized, eps=eps, elementwise_affine=affine)
    check.same_as_torch(ours, theirs, randn(*lead, *normalized, seed=seed) * 3 + 1)


@settings(max_examples=25, deadline=None)
@given(lead=st.lists(st.integers(1, 4), min_size=1, max_size=2), d=st.integers(1, 6), seed=st.integers(0, 99))
def test_rms_norm_function_matches_torch_and_its_definition(lead, d, seed):
    x, w = randn(*lead, d, seed=seed), randn(d, seed=seed + 1)
    check.close(N.rms_norm(x, d, w, eps=1e-6), F.rms_norm(x, (d,), w, eps=1e-6), atol=1e-12)
    rms = x.square().mean(dim=-1, keepdim=True).add(1e-6).sqrt()
    check.close(N.rms_norm(x, d, w, eps=1e-6), w * x / rms, atol=1e-12)


def test_rms_norm_is_layer_norm_of_zero_mean_input_without_bias():
    x = randn(5, 8)
    x = x - x.mean(dim=-1, keepdim=True)  # with mean zero, RMS is the standard deviation
    check.close(N.rms_norm(x, 8, eps=1e-5), F.layer_norm(x, (8,), eps=1e-5), atol=1e-12)


def test_rms_norm_keeps_a_shift_that_layer_norm_removes():
    x = randn(5, 8)
    assert not torch.allclose(N.rms_norm(x + 3.0, 8), N.rms_norm(x, 8))
    check.close(F.layer_norm(x + 3.0, (8,)), F.layer_norm(x, (8,)), atol=1e-10)
    check.close(N.rms_norm(2.5 * x, 8, eps=0.0), N.rms_norm(x, 8, eps=0.0), atol=1e-12)  # scale invariant


def test_rms_norm_has_torch_names_and_no_bias():
    ours, theirs = N.RMSNorm(6), nn.RMSNorm(6)
    assert dict(ours.named_parameters()).keys() == dict(theirs.named_parameters()).keys() == {"weight"}
    assert ours.normalized_shape == theirs.normalized_shape and ours.eps == theirs.eps
    assert N.RMSNorm(6, elementwise_affine=False).weight is None


@pytest.mark.parametrize("bad", [0, -2, (3, 0), (), 2.5])
def test_rms_norm_rejects_a_bad_normalized_shape(bad):
    with pytest.raises(ValueError, match="normalized_shape"):
        N.RMSNorm(bad)


def test_rms_norm_rejects_an_input_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"normalized_shape=\[4\] needs input of shape \[\*, 4\], got \(2, 5\)"):
        N.RMSNorm(4)(torch.randn(2, 5))
