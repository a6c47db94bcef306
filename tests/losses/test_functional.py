"""Every from-scratch loss against its torch built-in: values and input gradients, each reduction."""
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook import losses
from dlbook.check import same_as_torch

from helpers import generator, randn

pytestmark = pytest.mark.usefixtures("one_thread")

SETTINGS = settings(max_examples=25, deadline=None)
REDUCTIONS = st.sampled_from(["mean", "sum", "none"])
SCALES = st.sampled_from([1.0, 30.0, 1e4])        # 1e4: logits far beyond exp's range
SEEDS = st.integers(0, 2**31 - 1)
# |ours − torch| ≤ atol + rtol·|torch| for every value and every gradient (same_as_torch compares in float64,
# with respect to every floating-point input: logits, and probability targets, variances, regression targets)
TOL = dict(atol=1e-9, rtol=1e-7)


# ------------------------------------------------------------------ building blocks

@SETTINGS
@given(seed=SEEDS, n=st.integers(1, 5), k=st.integers(1, 7), scale=SCALES)
def test_logsumexp_and_log_softmax_match_torch(seed, n, k, scale):
    x = scale * randn(n, k, seed=seed)
    same_as_torch(lambda x: losses.logsumexp(x, dim=1), lambda x: torch.logsumexp(x, dim=1), x,
                  name="logsumexp", **TOL)
    same_as_torch(lambda x: losses.log_softmax(x, dim=0), lambda x: torch.log_softmax(x, dim=0), x,
                  name="log_softmax", **TOL)


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
    same_as_torch(lambda z, t: losses.cross_entropy(z, t, reduction=reduction, label_smoothing=smoothing),
                  lambda z, t: F.cross_entropy(z, t, reduction=reduction, label_smoothing=smoothing), z, t,
                  name="cross_entropy (class indices)", **TOL)


@SETTINGS
@given(seed=SEEDS, n=st.integers(1, 6), c=st.integers(2, 6), eps=st.floats(0.0, 1.0))
def test_label_smoothing_is_cross_entropy_against_the_mixture_target(seed, n, c, eps):
    """ε-smoothing = a probability target (1 − ε)·one-hot + ε/K = (1 − ε)·CE(one-hot) + ε·CE(uniform)."""
    z, t = 3 * randn(n, c, seed=seed), torch.randint(0, c, (n,), generator=generator(seed + 1))
    mixture = (1 - eps) * F.one_hot(t, c).double() + eps / c
    smoothed = losses.cross_entropy(z, t, label_smoothing=eps, reduction="none")
    torch.testing.assert_close(smoothed, losses.cross_entropy(z, mixture, reduction="none"))
    uniform = torch.full((n, c), 1 / c, dtype=torch.float64)
    torch.testing.assert_close(smoothed, (1 - eps) * losses.cross_entropy(z, t, reduction="none")
                               + eps * losses.cross_entropy(z, uniform, reduction="none"))
    torch.testing.assert_close(smoothed, F.cross_entropy(z, t, label_smoothing=eps, reduction="none"))


@SETTINGS
@given(seed=SEEDS, n=st.integers(1, 6), c=st.integers(2, 6), scale=SCALES, reduction=REDUCTIONS,
       smoothing=st.sampled_from([0.0, 0.2]), zeros=st.booleans())
def test_cross_entropy_with_probability_targets_matches_torch(seed, n, c, scale, reduction, smoothing, zeros):
    z = scale * randn(n, c, seed=seed)
    p = torch.rand(n, c, generator=generator(seed + 1), dtype=torch.float64)
    if zeros:   # some classes get zero target probability
        p[:, 0] = 0.0
    p = p / p.sum(1, keepdim=True)
    same_as_torch(lambda z, p: losses.cross_entropy(z, p, reduction=reduction, label_smoothing=smoothing),
                  lambda z, p: F.cross_entropy(z, p, reduction=reduction, label_smoothing=smoothing), z, p,
                  name="cross_entropy (probabilities)", **TOL)


def test_cross_entropy_single_unbatched_sample_and_huge_float32_logits():
    z = torch.tensor([3e4, -3e4, 0.0])          # exp overflows float32 beyond about 88 (and float64 beyond 709)
    for t in (torch.tensor(1), torch.tensor([0.0, 1.0, 0.0])):
        same_as_torch(lambda z: losses.cross_entropy(z, t), lambda z: F.cross_entropy(z, t), z,
                      name="cross_entropy (one sample)", **TOL)   # in float64
        ours, theirs = z.clone().requires_grad_(), z.clone().requires_grad_()   # and in float32 itself,
        loss, loss_torch = losses.cross_entropy(ours, t), F.cross_entropy(theirs, t)  # which same_as_torch skips
        torch.testing.assert_close(loss, loss_torch, atol=1e-3, rtol=1e-6)
        torch.testing.assert_close(torch.autograd.grad(loss, ours)[0], torch.autograd.grad(loss_torch, theirs)[0],
                                   atol=1e-3, rtol=1e-6)
    assert float(losses.cross_entropy(z, torch.tensor(1))) == pytest.approx(6e4)
    naive = -torch.log(torch.exp(z) / torch.exp(z).sum())[1]   # what the stable form avoids
    assert not torch.isfinite(naive)


def test_cross_entropy_target_with_zero_probability_on_a_vanishing_class():
    z = torch.tensor([[0.0, -1e4, 5.0]], dtype=torch.float64)   # softmax underflows to 0 for class 1
    p = torch.tensor([[0.5, 0.0, 0.5]], dtype=torch.float64)
    same_as_torch(lambda z, p: losses.cross_entropy(z, p), lambda z, p: F.cross_entropy(z, p), z, p,
                  name="cross_entropy (vanishing class)", **TOL)


@SETTINGS
@given(seed=SEEDS, shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), scale=SCALES, reduction=REDUCTIONS,
       hard=st.booleans())
def test_binary_cross_entropy_with_logits_matches_torch(seed, shape, scale, reduction, hard):
    z = scale * randn(*shape, seed=seed)
    t = torch.rand(*shape, generator=generator(seed + 1), dtype=torch.float64)
    t = t.round() if hard else t
    same_as_torch(lambda z, t: losses.binary_cross_entropy_with_logits(z, t, reduction=reduction),
                  lambda z, t: F.binary_cross_entropy_with_logits(z, t, reduction=reduction), z, t,
                  name="binary_cross_entropy_with_logits", **TOL)


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
    same_as_torch(lambda y: losses.hinge(y, t, margin=margin, reduction=reduction),   # ±1 labels: no gradient
                  lambda y: reduce(binary_hinge_in_torch(y, t, margin)), y, name="hinge", **TOL)


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
    same_as_torch(lambda z, t: losses.multiclass_hinge(z, t, margin=margin, p=p, reduction=reduction),
                  lambda z, t: F.multi_margin_loss(z, t, p=p, margin=margin, reduction=reduction), z, t,
                  name="multiclass_hinge", **TOL)


# ------------------------------------------------------------------ regression

SHAPES = st.lists(st.integers(1, 4), min_size=1, max_size=3)


@SETTINGS
@given(seed=SEEDS, shape=SHAPES, scale=st.sampled_from([0.1, 1.0, 100.0]), reduction=REDUCTIONS,
       delta=st.sampled_from([0.1, 1.0, 5.0]))
def test_regression_losses_match_torch(seed, shape, scale, reduction, delta):
    y, t = scale * randn(*shape, seed=seed), scale * randn(*shape, seed=seed + 1)
    same_as_torch(lambda y, t: losses.mse(y, t, reduction=reduction),
                  lambda y, t: F.mse_loss(y, t, reduction=reduction), y, t, name="mse", **TOL)
    same_as_torch(lambda y, t: losses.mae(y, t, reduction=reduction),
                  lambda y, t: F.l1_loss(y, t, reduction=reduction), y, t, name="mae", **TOL)
    same_as_torch(lambda y, t: losses.huber(y, t, delta=delta, reduction=reduction),
                  lambda y, t: F.huber_loss(y, t, delta=delta, reduction=reduction), y, t, name="huber", **TOL)


@SETTINGS
@given(seed=SEEDS, shape=SHAPES, reduction=REDUCTIONS, full=st.booleans())
def test_gaussian_nll_matches_torch(seed, shape, reduction, full):
    y, t = randn(*shape, seed=seed), randn(*shape, seed=seed + 1)
    var = 0.05 + torch.rand(*shape, generator=generator(seed + 2), dtype=torch.float64)
    same_as_torch(lambda y, t, var: losses.gaussian_nll(y, t, var, full=full, reduction=reduction),
                  lambda y, t, var: F.gaussian_nll_loss(y, t, var, full=full, reduction=reduction), y, t, var,
                  name="gaussian_nll", **TOL)


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
