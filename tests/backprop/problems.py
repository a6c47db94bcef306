"""A small one-output network and data for the Hessian and summed-error tests."""

import torch

from dlbook.perceptron_mlp import MLP


def hessian_problem(hidden, loss, seed=0, activation="tanh"):
    """An MLP ``2 → hidden → 1`` in float64, 15 inputs and targets (0/1 for the logistic
    loss)."""
    torch.manual_seed(seed)
    model = MLP(2, hidden, 1, activation=activation).double()
    X = torch.randn(15, 2, dtype=torch.float64)
    t = torch.randn(15, dtype=torch.float64)
    return model, X, (t if loss == "sum_squares" else (t > 0).double())
