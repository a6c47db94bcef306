import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from dlbook.perceptron_mlp import perceptron as P

XOR_X = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = torch.tensor([0, 1, 1, 0])


def test_augment_appends_a_constant_one():
    Z = P.augmented_inputs(torch.tensor([[2.0, 3.0], [4.0, 5.0]]))
    assert Z.dtype == torch.float64 and Z.tolist() == [[2, 3, 1], [4, 5, 1]]


def test_signs_accept_both_label_conventions():
    assert P.signs(torch.tensor([0, 1, 1])).tolist() == [-1, 1, 1]
    assert P.signs(torch.tensor([-1, 1])).tolist() == [-1, 1]


def test_first_update_adds_the_missed_point():
    X = torch.tensor([[1.0, 2.0], [-1.0, -1.0]])
    run = P.train_perceptron(X, torch.tensor([1, 0]), epochs=1, lr=0.5, record=True)
    # w̃ = 0 misses the first point (score 0): w̃ ← 0 + 0.5·(+1)·(1, 2, 1)
    assert run.updates[0].tolist() == [0.5, 1.0, 0.5]
    # that weight already scores the second point −1.5 + 0.5 < 0: no second update
    assert run.mistakes_per_epoch == [1]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 1000), gap=st.sampled_from([0.05, 0.1, 0.2]), order_seed=st.integers(0, 1000))
def test_converges_within_novikoffs_bound(seed, gap, order_seed):
    X, y = P.linearly_separable(60, gap, seed=seed)
    run = P.train_perceptron(X, y, epochs=1000, seed=order_seed)
    assert run.converged and run.mistakes_per_epoch[-1] == 0
    assert (P.predict(run.weight, X) == y).all()
    assert P.margin(run.weight, X, y) > 0
    assert run.mistakes <= P.mistake_bound(X, y)
    # any separating weight gives a (looser) bound; the maximum margin gives the tightest
    assert P.mistake_bound(X, y) <= P.mistake_bound(X, y, run.weight) + 1e-9


def test_learning_rate_only_scales_the_weights():
    X, y = P.linearly_separable(80, 0.05, seed=3)
    a = P.train_perceptron(X, y, lr=1.0, seed=0)
    b = P.train_perceptron(X, y, lr=0.01, seed=0)
    assert a.mistakes_per_epoch == b.mistakes_per_epoch
    torch.testing.assert_close(b.weight, 0.01 * a.weight)


def test_record_keeps_every_update():
    X, y = P.linearly_separable(50, 0.1, seed=1)
    run = P.train_perceptron(X, y, record=True)
    assert run.updates.shape == (run.mistakes, 3)
    torch.testing.assert_close(run.updates[-1], run.weight)
    assert len(run.epoch_weights) == run.epochs


def test_xor_never_converges_and_cycles():
    run = P.train_perceptron(XOR_X, XOR_Y, epochs=50)
    assert not run.converged and run.epochs == 50 and min(run.mistakes_per_epoch) > 0
    ends = [tuple(w.tolist()) for w in run.epoch_weights]
    assert len(set(ends)) < len(ends)  # a state repeats: the fixed-order run is periodic
    random_orders = P.train_perceptron(XOR_X, XOR_Y, epochs=200, seed=0)
    assert min(random_orders.mistakes_per_epoch) > 0
    with pytest.raises(ValueError, match="not linearly separable"):
        P.max_margin(XOR_X, XOR_Y)


def test_max_margin_on_a_case_solved_by_hand():
    # augmented points t·x̃ are (1, 0, 1) and (1, 0, −1): the best unit is (1, 0, 0), margin 1
    u, gamma = P.max_margin(torch.tensor([[1.0, 0.0], [-1.0, 0.0]]), torch.tensor([1, 0]))
    torch.testing.assert_close(u, torch.tensor([1.0, 0.0, 0.0], dtype=torch.float64), atol=1e-6, rtol=0)
    assert gamma == pytest.approx(1.0, abs=1e-6)
    assert P.radius(torch.tensor([[1.0, 0.0], [-1.0, 0.0]])) == pytest.approx(2**0.5)


def test_max_margin_on_a_thin_margin_case_and_its_optimality_condition():
    # seed 1 with a 0.05 gap once broke a line-search solver; the LDP solution must satisfy KKT:
    # γ·ũ is the point of the convex hull of the t_n x̃_n nearest the origin, so every point has
    # t_n ũ·x̃_n ≥ γ and ũ is a non-negative combination of the points that attain it.
    X, y = P.linearly_separable(60, 0.05, seed=1)
    u, gamma = P.max_margin(X, y)
    Zt = P.signs(y)[:, None] * P.augmented_inputs(X)
    scores = Zt @ u
    assert scores.min() == pytest.approx(gamma) and gamma > 0
    support = Zt[scores < gamma + 1e-7]
    coef, residual = np.linalg.lstsq(support.T.numpy(), u.numpy(), rcond=None)[:2]
    assert (coef >= -1e-9).all()
    torch.testing.assert_close(torch.from_numpy(support.T.numpy() @ coef), u, atol=1e-7, rtol=0)


def test_max_margin_agrees_with_a_linear_svm_through_the_origin():
    from sklearn.svm import LinearSVC

    X, y = P.linearly_separable(100, 0.1, seed=0)
    u, gamma = P.max_margin(X, y)
    assert u.norm() == pytest.approx(1.0) and gamma == pytest.approx(P.margin(u, X, y))
    svm = LinearSVC(C=1e5, loss="hinge", fit_intercept=False, max_iter=1_000_000, tol=1e-10)
    svm.fit(P.augmented_inputs(X).numpy(), y.numpy())
    svm_gamma = P.margin(torch.from_numpy(svm.coef_[0]), X, y)
    assert svm_gamma <= gamma + 1e-9
    assert gamma == pytest.approx(svm_gamma, rel=1e-4)


def test_to_linear_scores_like_the_perceptron():
    X, y = P.linearly_separable(40, 0.1, seed=2)
    run = P.train_perceptron(X, y)
    layer = P.to_linear(run.weight)
    with torch.no_grad():
        scores = layer(X).reshape(-1)
    assert torch.equal((scores > 0).long(), P.predict(run.weight, X))


def test_linearly_separable_data():
    X, y = P.linearly_separable(30, 0.2, seed=4)
    assert X.shape == (30, 2) and X.dtype == torch.float32 and y.dtype == torch.int64
    assert set(y.tolist()) == {0, 1} and X.abs().max() <= 1
    assert torch.equal(X, P.linearly_separable(30, 0.2, seed=4)[0])


def test_bad_input_is_rejected_clearly():
    with pytest.raises(ValueError, match=r"shape \(N, D\)"):
        P.train_perceptron(torch.zeros(3), torch.zeros(3))
    with pytest.raises(ValueError, match="differ in length"):
        P.train_perceptron(torch.zeros(3, 2), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="labels must be in"):
        P.train_perceptron(torch.zeros(2, 2), torch.tensor([0, 2]))
    with pytest.raises(ValueError, match="NaN"):
        P.augmented_inputs(torch.tensor([[np.nan, 0.0]]))
    with pytest.raises(TypeError, match="torch.Tensor"):
        P.augmented_inputs([[0.0, 1.0]])
    with pytest.raises(ValueError, match="lr"):
        P.train_perceptron(XOR_X, XOR_Y, lr=0)
    with pytest.raises(ValueError, match="epochs"):
        P.train_perceptron(XOR_X, XOR_Y, epochs=0)
    with pytest.raises(ValueError, match="3 entries"):
        P.predict(torch.zeros(2), XOR_X)
    with pytest.raises(ValueError, match="zero weight"):
        P.margin(torch.zeros(3), XOR_X, XOR_Y)
    with pytest.raises(ValueError, match="does not separate"):
        P.mistake_bound(XOR_X, XOR_Y, torch.tensor([1.0, 1.0, -0.5]))
    with pytest.raises(ValueError, match="margin"):
        P.linearly_separable(10, margin=0.7)
