"""Gaussian initialisation at a chosen scale and the count of dead ReLU units."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional as F

from dlbook.perceptron_mlp import activations
from dlbook import backprop as bp
from dlbook.perceptron_mlp import MLP
from dlbook.probe import flat_parameters


def test_gaussian_init_and_dead_units():
    torch.manual_seed(0)
    model = bp.gaussian_init_(MLP(50, [200, 200], 3, activation="relu"), scale=2.0)
    first = model.linears()[0]
    assert torch.all(first.bias == 0)
    assert first.weight.std().item() == pytest.approx(2.0 / 50**0.5, rel=0.05)
    X = torch.randn(64, 50)
    W1, W2 = (m.weight.detach() for m in model.linears()[:2])
    second = torch.relu(torch.relu(X @ W1.T) @ W2.T)
    assert bp.dead_units(model, X) == [
        0,
        int((second == 0).all(dim=0).sum()),
    ]  # no first-layer unit is dead
    with torch.no_grad():
        first.bias[:7] = -1e3  # seven units pushed far below zero for every input
    assert bp.dead_units(model, X)[0] == 7
