"""Reliability bins, expected calibration error and classification scores, by hand and by an independent loop."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook import regularization as reg


pytestmark = pytest.mark.usefixtures("one_thread")


def test_expected_calibration_error_by_hand():
    probs = torch.tensor([[0.95, 0.05], [0.95, 0.05], [0.3, 0.7], [0.4, 0.6]])
    targets = torch.tensor([0, 1, 1, 1])
    # bin 9 holds two 0.95-confident predictions, one right: |0.5 − 0.95|; bin 7: right at 0.7, |1 − 0.7|;
    # bin 6: right at 0.6, |1 − 0.6|
    expected = 0.5 * 0.45 + 0.25 * 0.3 + 0.25 * 0.4
    assert reg.expected_calibration_error(probs, targets) == pytest.approx(expected)
    perfect = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    assert reg.expected_calibration_error(perfect, torch.tensor([0, 1])) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="probs"):
        reg.expected_calibration_error(torch.ones(3), torch.tensor([0, 1, 1]))


def test_reliability_bins_by_hand_and_empty_bins_are_nan():
    probs = torch.tensor([[0.95, 0.05], [0.95, 0.05], [0.3, 0.7], [0.4, 0.6], [0.0, 1.0]], dtype=torch.float64)
    targets = torch.tensor([0, 1, 1, 1, 0])
    confidence, accuracy, count = reg.reliability_bins(probs, targets, bins=10)
    assert count.tolist() == [0, 0, 0, 0, 0, 0, 1, 1, 0, 3]        # confidence 1.0 belongs to the last bin
    torch.testing.assert_close(confidence[[6, 7, 9]], torch.tensor([0.6, 0.7, (0.95 + 0.95 + 1) / 3], dtype=torch.float64))
    torch.testing.assert_close(accuracy[[6, 7, 9]], torch.tensor([1.0, 1.0, 1 / 3], dtype=torch.float64))
    empty = count == 0
    assert confidence[empty].isnan().all() and accuracy[empty].isnan().all()


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 60), k=st.integers(2, 5), bins=st.integers(1, 15), seed=st.integers(0, 1000))
def test_ece_is_the_count_weighted_gap_of_the_reliability_bins(n, k, bins, seed):
    gen = torch.Generator().manual_seed(seed)
    probs = torch.softmax(3 * torch.randn(n, k, generator=gen), dim=1)
    targets = torch.randint(0, k, (n,), generator=gen)
    confidence, accuracy, count = reg.reliability_bins(probs, targets, bins)
    assert count.sum() == n
    ece, by_loop = reg.expected_calibration_error(probs, targets, bins), 0.0
    conf, pred = probs.double().max(1)
    for b in range(bins):                                           # an independent loop over the bins
        inside = (conf >= b / bins) & ((conf < (b + 1) / bins) | (b == bins - 1))
        if inside.any():
            by_loop += inside.double().mean() * ((pred[inside] == targets[inside]).double().mean() - conf[inside].mean()).abs()
    assert ece == pytest.approx(float(by_loop), abs=1e-12)


def test_reliability_bins_reject_bad_input():
    with pytest.raises(ValueError, match="N targets"):
        reg.reliability_bins(torch.ones(3, 2) / 2, torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="bins"):
        reg.reliability_bins(torch.ones(3, 2) / 2, torch.tensor([0, 1, 1]), bins=0)


def test_classification_scores_by_hand():
    probs = torch.tensor([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    targets = torch.tensor([0, 1, 1, 1])
    scores = reg.classification_scores(probs, targets)
    assert scores["accuracy"] == pytest.approx(0.75)
    expected_nll = -(np.log(0.9) + np.log(0.8) + np.log(0.4) + np.log(0.7)) / 4
    assert scores["nll"] == pytest.approx(expected_nll, rel=1e-6)
    assert scores["ece"] == pytest.approx(reg.expected_calibration_error(probs, targets))
    # a zero probability on the target gives a large but finite NLL
    assert scores["nll"] < reg.classification_scores(torch.tensor([[1.0, 0.0]]), torch.tensor([1]))["nll"] < 30
    with pytest.raises(ValueError, match="targets"):
        reg.classification_scores(probs, targets[:3])
