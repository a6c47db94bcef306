"""PRML's summed errors against torch's losses."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional as F

from dlbook.perceptron_mlp import activations
from dlbook import backprop as bp
from dlbook.perceptron_mlp import MLP
from dlbook.probe import flat_parameters


def test_summed_errors_are_the_sums_of_torch_losses():
    torch.manual_seed(0)
    a, t = torch.randn(7, 1, dtype=torch.float64), torch.randn(7, dtype=torch.float64)
    labels = (t > 0).double()
    torch.testing.assert_close(
        bp.summed_error(a, t, "sum_squares"),
        0.5 * F.mse_loss(a[:, 0], t, reduction="sum"),
    )
    torch.testing.assert_close(
        bp.summed_error(a, labels, "logistic"),
        F.binary_cross_entropy_with_logits(a[:, 0], labels, reduction="sum"),
    )
    torch.testing.assert_close(
        bp.loss_value(a, labels, "logistic"), bp.summed_error(a[:, 0], labels, "logistic")
    )
