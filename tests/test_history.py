import pytest

import matplotlib.pyplot as plt

from dlbook import History
from dlbook.plot import training_curves


def filled():
    h = History()
    for epoch, (loss, val, acc) in enumerate([(1.0, 1.2, 0.5), (0.5, 0.9, 0.7), (0.3, 1.0, 0.8)], start=1):
        h.append(epoch, {"loss": loss, "val_loss": val, "val_accuracy": acc})
    return h


def test_values_by_name_and_best():
    h = filled()
    assert len(h) == 3 and h["loss"] == [1.0, 0.5, 0.3]
    assert h.best("val_loss") == (2, 0.9)
    assert h.best("val_accuracy", mode="max") == (3, 0.8)
    assert "val_loss" in h and "accuracy" not in h


def test_errors_name_the_problem():
    h = filled()
    with pytest.raises(KeyError, match="no 'accuracy'.*val_accuracy"):
        h["accuracy"]
    with pytest.raises(ValueError, match="earlier epochs"):
        h.append(4, {"loss": 0.1})
    with pytest.raises(ValueError, match="mode"):
        h.best("loss", mode="lowest")


def test_dict_round_trip_and_repr():
    h = filled()
    h.interrupted = True
    again = History.from_dict(h.to_dict())
    assert again == h
    assert "3 epochs" in repr(h) and "interrupted" in repr(h)


def test_training_curves_draw_losses_and_metrics():
    fig = training_curves(filled())
    left = fig.axes[0]
    assert [line.get_label() for line in left.get_lines()] == ["loss", "val_loss"]
    assert [line.get_label() for line in fig.axes[1].get_lines()] == ["val_accuracy"]
    plt.close(fig)
