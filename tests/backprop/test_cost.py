"""Counting the cost of a gradient: matrix-product flops and backward passes."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional as F

from dlbook.perceptron_mlp import activations
from dlbook import backprop as bp
from dlbook.perceptron_mlp import MLP
from dlbook.probe import flat_parameters


def test_matmul_flops_counts_the_forward_and_backward_products():
    torch.manual_seed(0)
    layer = torch.nn.Linear(5, 3)
    X = torch.randn(8, 5)
    assert (
        bp.matmul_flops(lambda: layer(X)) == 2 * 8 * 5 * 3
    )  # one multiply–add per (n, i, o)
    model = MLP(6, [5, 4], 3)
    X, y = torch.randn(10, 6), torch.randint(0, 3, (10,))
    per_layer = [2 * 10 * 6 * 5, 2 * 10 * 5 * 4, 2 * 10 * 4 * 3]
    assert bp.matmul_flops(lambda: F.cross_entropy(model(X), y)) == sum(per_layer)
    # backward: two products per layer (errors and weight gradients), except no error is
    # sent into X
    gradient = bp.matmul_flops(
        lambda: torch.autograd.grad(
            F.cross_entropy(model(X), y), list(model.parameters())
        )
    )
    assert gradient == 3 * sum(per_layer) - per_layer[0]
    assert bp.matmul_flops(lambda: torch.tanh(X)) == 0


def test_backward_counter_counts_one_pass_per_vjp():
    torch.manual_seed(0)
    W = torch.randn(7, 4)
    f = bp.BackwardCounter(lambda x: torch.tanh(W @ x))
    x = torch.randn(4)
    J = torch.autograd.functional.jacobian(f, x)  # one VJP per output row
    assert f.passes == 7
    torch.testing.assert_close(J, torch.diag(1 - torch.tanh(W @ x) ** 2) @ W)
    f.passes = 0
    y = f(x.requires_grad_())
    torch.autograd.grad(y, x, torch.ones(7))
    assert f.passes == 1
    f(torch.randn(4))  # no graph, no pass
    assert f.passes == 1
