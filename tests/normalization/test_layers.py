"""The from-scratch normalisation layers against torch's: values, gradients, buffers, errors."""
import copy

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from dlbook import check
from dlbook import normalization as N

from helpers import randn, assert_close


pytestmark = pytest.mark.usefixtures("one_thread")


def with_random_parameters(module, seed):
    """``module`` with every parameter redrawn from N(1, 1): a non-trivial γ and β for ``same_as_torch`` to copy."""
    with torch.no_grad():
        for i, p in enumerate(module.parameters()):
            p.copy_(randn(*p.shape, seed=seed + i) + 1)
    return module


# ------------------------------------------------------------------ batch norm

@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 6), (3, 3, 2, 4)])
def test_batch_norm_backward_passes_gradcheck(shape, affine):
    x = randn(*shape).requires_grad_(True)
    w = randn(3, seed=1).requires_grad_(True) if affine else None
    b = randn(3, seed=2).requires_grad_(True) if affine else None
    assert torch.autograd.gradcheck(N.BatchNormFunction.apply, (x, w, b, 1e-5))


def test_batch_norm_backward_is_the_three_term_formula_not_autograd():
    x = randn(6, 4).requires_grad_(True)
    y = N.BatchNormFunction.apply(x, None, None, 1e-5)
    assert type(y.grad_fn).__name__ == "BatchNormFunctionBackward"


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 5), c=st.integers(1, 4), spatial=st.lists(st.integers(1, 3), max_size=2),
       affine=st.booleans(), momentum=st.sampled_from([0.1, 0.5, None]), track=st.booleans(), seed=st.integers(0, 99))
def test_batch_norm_matches_torch_in_train_and_eval(n, c, spatial, affine, momentum, track, seed):
    shape = (n, c, *spatial)
    if len(shape) == 4:
        cls, torch_cls = N.BatchNorm2d, nn.BatchNorm2d
    else:
        cls, torch_cls = N.BatchNorm1d, nn.BatchNorm1d
    kwargs = dict(affine=affine, momentum=momentum, track_running_stats=track)
    mine, theirs = cls(c, **kwargs), with_random_parameters(torch_cls(c, **kwargs), seed=7)
    for step in range(3):  # training: batch statistics, running buffers updated (state copied once, at the start)
        check.same_as_torch(mine, theirs, randn(*shape, seed=seed + step) * 3 + 1, modes=("train",),
                            copy_state=step == 0)
    # evaluation: running statistics (or batch statistics when not tracked); buffers compared after every call
    check.same_as_torch(mine, theirs, randn(*shape, seed=seed + 10), modes=("eval",), copy_state=False)


def test_batch_norm_eval_output_does_not_depend_on_the_rest_of_the_batch():
    bn = N.BatchNorm1d(3).double()
    bn(randn(8, 3))
    bn.eval()
    x = randn(5, 3, seed=3)
    assert_close(bn(x)[:2], bn(x[:2]))


def test_running_variance_is_unbiased():
    bn = N.BatchNorm1d(2, momentum=1.0).double()
    x = randn(4, 2)
    bn(x)
    assert_close(bn.running_var, x.var(dim=0, correction=1))


def test_batch_norm_errors_like_torch():
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        N.BatchNorm1d(4)(torch.randn(1, 4))
    N.BatchNorm2d(4)(torch.randn(1, 4, 2, 2))  # one image still has several values per channel
    with pytest.raises(ValueError, match=r"expected 2D or 3D input \(got 4D input\)"):
        N.BatchNorm1d(4)(torch.randn(2, 4, 3, 3))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 2D input\)"):
        N.BatchNorm2d(4)(torch.randn(2, 4))
    with pytest.raises(ValueError, match="expected 4 channels in dimension 1"):
        N.BatchNorm2d(4)(torch.randn(2, 5, 3, 3))
    with pytest.raises(ValueError, match="momentum"):
        N.BatchNorm1d(4, momentum=2.0)
    bn = N.BatchNorm1d(4).eval()
    assert bn(torch.randn(1, 4)).shape == (1, 4)  # one sample is fine in evaluation


# ------------------------------------------------------------------ layer, instance, group

@settings(max_examples=25, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=2, max_size=4).map(tuple), k=st.integers(1, 3),
       affine=st.booleans(), bias=st.booleans(), seed=st.integers(0, 99))
def test_layer_norm_matches_torch(shape, k, affine, bias, seed):
    k = min(k, len(shape))
    normalized = shape[len(shape) - k:]
    theirs = with_random_parameters(nn.LayerNorm(normalized, elementwise_affine=affine, bias=bias), seed=seed + 5)
    mine = N.LayerNorm(normalized, elementwise_affine=affine, bias=bias)
    check.same_as_torch(mine, theirs, randn(*shape, seed=seed) * 2 - 1)


def test_layer_norm_rejects_a_wrong_trailing_shape():
    with pytest.raises(ValueError, match=r"normalized_shape=\[4\] needs input of shape \[\*, 4\], got \(2, 5\)"):
        N.LayerNorm(4)(torch.randn(2, 5))


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 3), c=st.integers(1, 4), spatial=st.lists(st.integers(2, 4), min_size=1, max_size=2),
       affine=st.booleans(), unbatched=st.booleans(), seed=st.integers(0, 99))
def test_instance_norm_matches_torch(n, c, spatial, affine, unbatched, seed):
    cls, torch_cls = (N.InstanceNorm1d, nn.InstanceNorm1d) if len(spatial) == 1 else (N.InstanceNorm2d, nn.InstanceNorm2d)
    theirs = with_random_parameters(torch_cls(c, affine=affine), seed=seed + 1)
    x = randn(*((c,) if unbatched else (n, c)), *spatial, seed=seed)
    check.same_as_torch(cls(c, affine=affine), theirs, x)


def test_instance_norm_errors():
    with pytest.raises(ValueError, match="Expected more than 1 spatial element"):
        N.InstanceNorm1d(4)(torch.randn(2, 4, 1))
    with pytest.raises(ValueError, match=r"expected 4D input \(got 2D input\)"):
        N.InstanceNorm2d(4)(torch.randn(2, 4))


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 3), per_group=st.integers(1, 3), groups=st.integers(1, 4),
       spatial=st.lists(st.integers(1, 3), max_size=2), affine=st.booleans(), seed=st.integers(0, 99))
def test_group_norm_matches_torch(n, per_group, groups, spatial, affine, seed):
    c = per_group * groups  # per_group = 1 is G = C (instance norm); groups = 1 is layer norm
    if per_group * (torch.Size(spatial).numel()) == 1:
        return  # one value per group: the variance is zero and both normalise to 0
    theirs = with_random_parameters(nn.GroupNorm(groups, c, affine=affine), seed=seed + 1)
    check.same_as_torch(N.GroupNorm(groups, c, affine=affine), theirs, randn(n, c, *spatial, seed=seed))


def test_group_norm_extremes_are_layer_and_instance_norm():
    x = randn(3, 6, 5)
    assert_close(N.GroupNorm(1, 6, affine=False)(x), N.layer_norm(x))
    assert_close(N.GroupNorm(6, 6, affine=False)(x), N.instance_norm(x))


def test_group_norm_errors_like_torch():
    with pytest.raises(ValueError, match=r"num_channels \(4\) must be divisible by num_groups \(3\)"):
        N.GroupNorm(3, 4)
    with pytest.raises(ValueError, match="expected 6 channels in dimension 1"):
        N.GroupNorm(2, 6)(torch.randn(2, 4, 3))
    with pytest.raises(ValueError, match="got 1D input"):
        N.GroupNorm(2, 6)(torch.randn(6))


# ------------------------------------------------------------------ conditional batch norm

@pytest.mark.parametrize("shape", [(6, 3), (6, 3, 2, 2)])
def test_conditional_batch_norm_is_batch_norm_with_per_class_scale_and_shift(shape):
    cbn = N.ConditionalBatchNorm(3, num_classes=4).double()
    with torch.no_grad():
        cbn.gamma.weight.copy_(randn(4, 3, seed=1))
        cbn.beta.weight.copy_(randn(4, 3, seed=2))
    plain = (nn.BatchNorm2d if len(shape) == 4 else nn.BatchNorm1d)(3, affine=False).double()
    labels = torch.tensor([0, 3, 1, 1, 2, 3])
    x = randn(*shape, seed=3).requires_grad_(True)
    view = (6, 3) + (1,) * (len(shape) - 2)
    y = cbn(x, labels)
    expected = plain(x) * cbn.gamma.weight[labels].view(view) + cbn.beta.weight[labels].view(view)
    assert_close(y, expected)
    assert_close(cbn.running_mean, plain.running_mean)
    assert_close(cbn.running_var, plain.running_var)
    g = randn(*shape, seed=4)
    mine = torch.autograd.grad(y, [x, cbn.gamma.weight, cbn.beta.weight], g)
    ref = torch.autograd.grad(expected, [x, cbn.gamma.weight, cbn.beta.weight], g)
    for a, b in zip(mine, ref):
        assert_close(a, b)
    assert mine[1][[0, 1, 2, 3]].abs().sum(dim=1).gt(0).all()  # every class seen gets a gradient


def test_conditional_batch_norm_with_one_class_is_torch_batch_norm():
    theirs = nn.BatchNorm1d(3).double()
    with torch.no_grad():
        theirs.weight.copy_(randn(3, seed=5))
        theirs.bias.copy_(randn(3, seed=6))
    cbn = N.ConditionalBatchNorm(3, num_classes=1).double()
    with torch.no_grad():
        cbn.gamma.weight.copy_(theirs.weight[None])
        cbn.beta.weight.copy_(theirs.bias[None])
    x, labels = randn(5, 3), torch.zeros(5, dtype=torch.long)
    assert_close(cbn(x, labels), theirs(x))
    cbn.eval(), theirs.eval()
    assert_close(cbn(x, labels), theirs(x))


def test_conditional_batch_norm_label_errors():
    cbn = N.ConditionalBatchNorm(3, num_classes=2)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\)"):
        cbn(torch.randn(4, 3), torch.tensor([0, 1, 2, 0]))
    with pytest.raises(ValueError, match="one label per sample"):
        cbn(torch.randn(4, 3), torch.tensor([0, 1]))
    with pytest.raises(TypeError, match="integer tensor"):
        cbn(torch.randn(4, 3), torch.zeros(4))


def test_modules_swap_with_torch_state_dicts():
    for mine, theirs in [(N.BatchNorm2d(3), nn.BatchNorm2d(3)), (N.GroupNorm(2, 4), nn.GroupNorm(2, 4)),
                         (N.LayerNorm((2, 3)), nn.LayerNorm((2, 3))), (N.InstanceNorm2d(3, affine=True), nn.InstanceNorm2d(3, affine=True))]:
        mine.load_state_dict(copy.deepcopy(theirs.state_dict()))
        assert mine.state_dict().keys() == theirs.state_dict().keys()


def test_bf16_inputs_update_float32_running_statistics_like_torch():
    """Under bf16 autocast a batch arrives in bf16 while the buffers stay float32."""
    x = torch.randn(16, 3, generator=torch.Generator().manual_seed(0)).bfloat16()
    ours, theirs = N.BatchNorm1d(3), torch.nn.BatchNorm1d(3)
    ours(x)
    theirs(x.float())
    assert ours.running_mean.dtype == torch.float32
    torch.testing.assert_close(ours.running_mean, theirs.running_mean, rtol=1e-2, atol=1e-3)  # bf16 keeps ~3 digits
    torch.testing.assert_close(ours.running_var, theirs.running_var, rtol=1e-2, atol=1e-3)
