"""Every from-scratch loss against its torch built-in: values and input gradients, each reduction."""
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook import losses

from helpers import generator, randn

pytestmark = pytest.mark.usefixtures("one_thread")

SETTINGS = settings(max_examples=25, deadline=None)
REDUCTIONS = st.sampled_from(["mean", "sum", "none"])
SCALES = st.sampled_from([1.0, 30.0, 1e4])        # 1e4: logits far beyond exp's range
SEEDS = st.integers(0, 2**31 - 1)


def assert_same(mine, reference, *inputs, atol=1e-9, rtol=1e-7, grad_inputs=1):
    """Values agree, and so do the gradients of a random weighting of the outputs w.r.t. the first inputs."""
    leaves = [x.detach().clone().requires_grad_(i < grad_inputs) for i, x in enumerate(inputs)]
    out_mine = mine(*leaves)
    leaves_ref = [x.detach().clone().requires_grad_(i < grad_inputs) for i, x in enumerate(inputs)]
    out_ref = reference(*leaves_ref)
    assert out_mine.shape == out_ref.shape
    torch.testing.assert_close(out_mine, out_ref, atol=atol, rtol=rtol)
    weights = torch.rand(out_ref.shape, generator=generator(1), dtype=torch.float64).to(out_ref.dtype)
    grads_mine = torch.autograd.grad((out_mine * weights).sum(), leaves[:grad_inputs])
    grads_ref = torch.autograd.grad((out_ref * weights).sum(), leaves_ref[:grad_inputs])
    for g, r in zip(grads_mine, grads_ref):
        assert torch.isfinite(g).all()
        torch.testing.assert_close(g, r, atol=atol, rtol=rtol)


# ------------------------------------------------------------------ building blocks

@SETTINGS
@given(seed=SEEDS, n=st.integers(1, 5), k=st.integers(1, 7), scale=SCALES)
def test_logsumexp_and_log_softmax_match_torch(seed, n, k, scale):
    x = scale * randn(n, k, seed=seed)
    assert_same(lambda x: losses.logsumexp(x, dim=1), lambda x: torch.logsumexp(x, dim=1), x)
    assert_same(lambda x: losses.log_softmax(x, dim=0), lambda x: torch.log_softmax(x, dim=0), x)


def test_logsumexp_handles_infinite_entries():
    x = torch.tensor([[-float("inf"), 0.0], [-float("inf"), -float("inf")]], dtype=torch.float64)
    torch.testing.assert_close(losses.logsumexp(x), torch.logsumexp(x, dim=-1))


def test_softplus_is_stable_and_its_slope_is_the_sigmoid_everywhere():
    x = torch.tensor([-1000.0, -30.0, -1.0, 0.0, 1.0, 30.0, 1000.0], dtype=torch.float64, requires_grad=True)
    y = losses.softplus(x)
    torch.testing.assert_close(y, torch.logaddexp(torch.zeros_like(x), x))   # log(e⁰ + eˣ)
    (g,) = torch.autograd.grad(y.sum(), x)
    torch.testing.assert_close(g, torch.sigmoid(x.detach()))   # 0.5 at x = 0, where |x| tricks give 0


def test_reduce_loss_is_the_shared_reduction():
    loss = randn(4, 3)
    assert losses.reduce_loss(loss, "mean") == loss.mean() and losses.reduce_loss(loss, "sum") == loss.sum()
    assert losses.reduce_loss(loss, "none") is loss
    with pytest.raises(ValueError, match="reduction must be one of"):
        losses.reduce_loss(loss, "avg")


# ------------------------------------------------------------------ classification

@SETTINGS
@given(seed=SEEDS, n=st.integers(1, 6), c=st.integers(1, 6), scale=SCALES, reduction=REDUCTIONS,
       smoothing=st.sampled_from([0.0, 0.1, 1.0]))
def test_cross_entropy_with_class_indices_matches_torch(seed, n, c, scale, reduction, smoothing):
    z, t = scale * randn(n, c, seed=seed), torch.randint(0, c, (n,), generator=generator(seed + 1))
    assert_same(lambda z: losses.cross_entropy(z, t, reduction=reduction, label_smoothing=smoothing),
                lambda z: F.cross_entropy(z, t, reduction=reduction, label_smoothing=smoothing), z)


@SETTINGS
@given(seed=SEEDS, n=st.integers(1, 6), c=st.integers(2, 6), scale=SCALES, reduction=REDUCTIONS,
       smoothing=st.sampled_from([0.0, 0.2]), zeros=st.booleans())
def test_cross_entropy_with_probability_targets_matches_torch(seed, n, c, scale, reduction, smoothing, zeros):
    z = scale * randn(n, c, seed=seed)
    p = torch.rand(n, c, generator=generator(seed + 1), dtype=torch.float64)
    if zeros:   # some classes get zero target probability
        p[:, 0] = 0.0
    p = p / p.sum(1, keepdim=True)
    assert_same(lambda z, p: losses.cross_entropy(z, p, reduction=reduction, label_smoothing=smoothing),
                lambda z, p: F.cross_entropy(z, p, reduction=reduction, label_smoothing=smoothing), z, p,
                grad_inputs=2)


def test_cross_entropy_single_unbatched_sample_and_huge_float32_logits():
    z = torch.tensor([3e4, -3e4, 0.0])          # exp overflows float32 beyond about 88
    for t in (torch.tensor(1), torch.tensor([0.0, 1.0, 0.0])):
        assert_same(lambda z: losses.cross_entropy(z, t), lambda z: F.cross_entropy(z, t), z, atol=1e-3, rtol=1e-6)
    assert float(losses.cross_entropy(z, torch.tensor(1))) == pytest.approx(6e4)
    naive = -torch.log(torch.exp(z) / torch.exp(z).sum())[1]   # what the stable form avoids
    assert not torch.isfinite(naive)


def test_cross_entropy_target_with_zero_probability_on_a_vanishing_class():
    z = torch.tensor([[0.0, -1e4, 5.0]], dtype=torch.float64)   # softmax underflows to 0 for class 1
    p = torch.tensor([[0.5, 0.0, 0.5]], dtype=torch.float64)
    assert_same(lambda z: losses.cross_entropy(z, p), lambda z: F.cross_entropy(z, p), z)


@SETTINGS
@given(seed=SEEDS, shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), scale=SCALES, reduction=REDUCTIONS,
       hard=st.booleans())
def test_binary_cross_entropy_with_logits_matches_torch(seed, shape, scale, reduction, hard):
    z = scale * randn(*shape, seed=seed)
    t = torch.rand(*shape, generator=generator(seed + 1), dtype=torch.float64)
    t = t.round() if hard else t
    assert_same(lambda z, t: losses.binary_cross_entropy_with_logits(z, t, reduction=reduction),
                lambda z, t: F.binary_cross_entropy_with_logits(z, t, reduction=reduction), z, t, grad_inputs=2)


def test_binary_cross_entropy_gradient_at_zero_logit_is_one_half_minus_target():
    z = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(losses.binary_cross_entropy_with_logits(z, torch.tensor([0.0, 1.0], dtype=torch.float64),
                                                                       reduction="sum"), z)
    torch.testing.assert_close(g, torch.tensor([0.5, -0.5], dtype=torch.float64))


def binary_hinge_in_torch(y, t, margin):
    """max(0, m − t·y) = 2 · multi_margin_loss on the two scores (0, y), target class (t + 1)/2."""
    scores = torch.stack([torch.zeros_like(y.reshape(-1)), y.reshape(-1)], dim=1)
    per_sample = 2 * F.multi_margin_loss(scores, ((t.reshape(-1) + 1) / 2).long(), margin=margin, reduction="none")
    return per_sample.reshape(y.shape)


@SETTINGS
@given(seed=SEEDS, shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), scale=SCALES, reduction=REDUCTIONS,
       margin=st.sampled_from([0.5, 1.0]))
def test_hinge_matches_torch(seed, shape, scale, reduction, margin):
    y = scale * randn(*shape, seed=seed)
    t = 2.0 * torch.randint(0, 2, tuple(shape), generator=generator(seed + 1)).double() - 1
    reduce = {"mean": torch.mean, "sum": torch.sum, "none": lambda x: x}[reduction]
    assert_same(lambda y: losses.hinge(y, t, margin=margin, reduction=reduction),
                lambda y: reduce(binary_hinge_in_torch(y, t, margin)), y)


@pytest.mark.parametrize("shape", [(7, 1), (1, 7), (2, 3, 1)])
def test_hinge_on_column_scores_is_the_formula_elementwise(shape):
    """A model with one output gives scores (N, 1), as in the chapter: the loss is max(0, m − t·y) per entry."""
    y = 2 * randn(*shape, seed=3)
    t = 2.0 * torch.randint(0, 2, shape, generator=generator(4)).double() - 1
    per_entry = losses.hinge(y, t, margin=1.0, reduction="none")
    assert per_entry.shape == y.shape
    torch.testing.assert_close(per_entry, (1 - t * y).clamp(min=0))
    torch.testing.assert_close(losses.hinge(y, t), (1 - t * y).clamp(min=0).mean())
    torch.testing.assert_close(losses.hinge(y, t, reduction="none"), binary_hinge_in_torch(y, t, 1.0))


@SETTINGS
@given(seed=SEEDS, n=st.integers(1, 6), c=st.integers(1, 6), scale=SCALES, reduction=REDUCTIONS,
       p=st.sampled_from([1, 2]), margin=st.sampled_from([0.5, 1.0, 2.0]))
def test_multiclass_hinge_matches_torch(seed, n, c, scale, reduction, p, margin):
    z, t = scale * randn(n, c, seed=seed), torch.randint(0, c, (n,), generator=generator(seed + 1))
    assert_same(lambda z: losses.multiclass_hinge(z, t, margin=margin, p=p, reduction=reduction),
                lambda z: F.multi_margin_loss(z, t, p=p, margin=margin, reduction=reduction), z)


# ------------------------------------------------------------------ regression

SHAPES = st.lists(st.integers(1, 4), min_size=1, max_size=3)


@SETTINGS
@given(seed=SEEDS, shape=SHAPES, scale=st.sampled_from([0.1, 1.0, 100.0]), reduction=REDUCTIONS,
       delta=st.sampled_from([0.1, 1.0, 5.0]))
def test_regression_losses_match_torch(seed, shape, scale, reduction, delta):
    y, t = scale * randn(*shape, seed=seed), scale * randn(*shape, seed=seed + 1)
    assert_same(lambda y, t: losses.mse(y, t, reduction=reduction),
                lambda y, t: F.mse_loss(y, t, reduction=reduction), y, t, grad_inputs=2)
    assert_same(lambda y, t: losses.mae(y, t, reduction=reduction),
                lambda y, t: F.l1_loss(y, t, reduction=reduction), y, t, grad_inputs=2)
    assert_same(lambda y, t: losses.huber(y, t, delta=delta, reduction=reduction),
                lambda y, t: F.huber_loss(y, t, delta=delta, reduction=reduction), y, t, grad_inputs=2)


@SETTINGS
@given(seed=SEEDS, shape=SHAPES, reduction=REDUCTIONS, full=st.booleans())
def test_gaussian_nll_matches_torch(seed, shape, reduction, full):
    y, t = randn(*shape, seed=seed), randn(*shape, seed=seed + 1)
    var = 0.05 + torch.rand(*shape, generator=generator(seed + 2), dtype=torch.float64)
    assert_same(lambda y, var, t: losses.gaussian_nll(y, t, var, full=full, reduction=reduction),
                lambda y, var, t: F.gaussian_nll_loss(y, t, var, full=full, reduction=reduction), y, var, t,
                grad_inputs=2)


def test_huber_is_half_squared_error_inside_delta_and_linear_outside():
    r = torch.tensor([0.5, 3.0])
    torch.testing.assert_close(losses.huber(r, torch.zeros(2), delta=1.0, reduction="none"), torch.tensor([0.125, 2.5]))


# ------------------------------------------------------------------ bad input

@pytest.mark.parametrize("call, error, message", [
    (lambda: losses.cross_entropy(torch.randn(3, 4), torch.tensor([0, 4, 1])), ValueError, r"classes must lie in \[0, 4\)"),
    (lambda: losses.cross_entropy(torch.randn(3, 4), torch.tensor([0, -1, 1])), ValueError, "must lie in"),
    (lambda: losses.cross_entropy(torch.randn(3, 4), torch.tensor([0, 1])), ValueError, r"shape \(N,\) = \(3,\)"),
    (lambda: losses.cross_entropy(torch.randn(3, 4), torch.rand(3, 5)), ValueError, "input's shape"),
    (lambda: losses.cross_entropy(torch.randn(3, 4), torch.tensor([0.0, 1.0, 2.0])), ValueError, "integer tensor"),
    (lambda: losses.cross_entropy(torch.randn(2, 2), torch.tensor([[2.0, -1.0], [0.5, 0.5]])), ValueError, r"\[0, 1\]"),
    (lambda: losses.cross_entropy(torch.randn(2, 2), torch.tensor([True, False])), TypeError, "integer"),
    (lambda: losses.cross_entropy(torch.randn(2, 2), torch.tensor([0, 1]), label_smoothing=1.5), ValueError, "label_smoothing"),
    (lambda: losses.cross_entropy(torch.randn(2, 2), torch.tensor([0, 1]), reduction="avg"), ValueError, "reduction"),
    (lambda: losses.cross_entropy(torch.tensor([[1, 2]]), torch.tensor([0])), TypeError, "floating-point"),
    (lambda: losses.cross_entropy(torch.randn(2, 3, 4), torch.tensor([0, 1])), ValueError, r"\(N, C\) logits"),
    (lambda: losses.binary_cross_entropy_with_logits(torch.randn(4), torch.rand(4, 1)), ValueError, "same shape"),
    (lambda: losses.binary_cross_entropy_with_logits(torch.randn(2), torch.tensor([0.0, 2.0])), ValueError, r"\[0, 1\]"),
    (lambda: losses.mse(torch.randn(5, 1), torch.randn(5)), ValueError, r"\(5, 1\) and target \(5,\)"),
    (lambda: losses.mae(torch.randn(5), torch.randn(4)), ValueError, "same shape"),
    (lambda: losses.huber(torch.randn(3), torch.randn(3), delta=0.0), ValueError, "delta"),
    (lambda: losses.hinge(torch.randn(3), torch.tensor([0.0, 1.0, 1.0])), ValueError, r"−1 or \+1"),
    (lambda: losses.hinge(torch.randn(5, 1), torch.ones(5)), ValueError, r"\(5, 1\) and target \(5,\)"),
    (lambda: losses.multiclass_hinge(torch.randn(3, 2), torch.tensor([0, 1, 2])), ValueError, r"\[0, 2\)"),
    (lambda: losses.multiclass_hinge(torch.randn(3, 2), torch.tensor([0, 1, 1]), p=3), ValueError, "p must be 1 or 2"),
    (lambda: losses.gaussian_nll(torch.randn(3), torch.randn(3), -1.0), ValueError, "var must be positive"),
    (lambda: losses.gaussian_nll(torch.randn(3), torch.randn(3), torch.ones(2)), ValueError, "var must be a number"),
])
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
