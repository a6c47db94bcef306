"""Backpropagation by hand against autograd, with clear errors for bad input."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional as F

from dlbook.perceptron_mlp import activations
from dlbook import backprop as bp
from dlbook.perceptron_mlp import MLP
from dlbook.probe import flat_parameters

from .problems import hessian_problem


def torch_reference(model, X, T, loss):
    """Loss, pre-activation gradients and parameter gradients by torch autograd (float64).
    """
    model = model.double()
    Z, x = [], X
    for layer in model:
        x = layer(x)
        if isinstance(layer, torch.nn.Linear):
            x.retain_grad()
            Z.append(x)
    value = F.mse_loss(x, T) if loss == "mse" else F.cross_entropy(x, T)
    value.backward()
    return (
        [z.grad for z in Z],
        [m.weight.grad for m in model.linears()],
        [m.bias.grad for m in model.linears()],
    )


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(1, 5), min_size=1, max_size=3),
    st.sampled_from(["tanh", "sigmoid", "relu", "leaky_relu", "gelu", "softplus"]),
    st.sampled_from(["mse", "cross_entropy"]),
    st.integers(1, 6),
    st.integers(0, 1000),
)
def test_backprop_matches_autograd(hidden, activation, loss, n, seed):
    torch.manual_seed(seed)
    model = MLP(3, hidden, 4, activation=activation).double()
    X = torch.randn(n, 3, dtype=torch.float64)
    T = (
        torch.randn(n, 4, dtype=torch.float64)
        if loss == "mse"
        else torch.randint(0, 4, (n,))
    )
    W, b, act = bp.layers_of(model)
    ours = bp.backprop(W, b, X, T, activation=act, loss=loss)
    autograd_deltas = bp.preactivation_gradients(model, X, T, loss)
    deltas, weight_grads, bias_grads = torch_reference(model, X, T, loss)
    for mine, ref in zip(autograd_deltas, deltas, strict=True):
        torch.testing.assert_close(mine, ref, rtol=1e-12, atol=1e-14)
    for mine, ref in zip(
        ours.deltas + ours.weight_grads + ours.bias_grads,
        deltas + weight_grads + bias_grads,
    ):
        torch.testing.assert_close(mine, ref, rtol=1e-10, atol=1e-12)


def test_bad_input():
    W, b, _ = bp.layers_of(MLP(3, [4], 2))
    with pytest.raises(ValueError, match="layer 1 expects 3 inputs"):
        bp.forward(W, b, torch.randn(5, 2, dtype=torch.float64))
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        bp.backprop(
            W,
            b,
            torch.randn(5, 3, dtype=torch.float64),
            torch.randn(5, 2),
            activation="swish",
        )
    with pytest.raises(ValueError, match="loss must be 'mse' or 'cross_entropy'"):
        bp.output_delta(torch.randn(5, 2), torch.randn(5, 2), "hinge")
    with pytest.raises(TypeError, match="expected a dlbook.perceptron_mlp.MLP"):
        bp.layers_of(torch.nn.Linear(2, 2))
    model = MLP(2, [3], 2)
    with pytest.raises(ValueError, match="one output"):
        bp.exact_hessian(model, torch.randn(4, 2), torch.randn(4), "sum_squares")
    with pytest.raises(ValueError, match="one output"):
        bp.preactivation_derivatives(
            model, torch.randn(4, 2), torch.randn(4), "sum_squares"
        )
    for helper in (
        bp.error_function,
        bp.outer_product_hessian,
        bp.diagonal_hessian,
        bp.preactivation_derivatives,
    ):
        with pytest.raises(ValueError, match="'sum_squares' or 'logistic'"):
            helper(MLP(2, [3], 1), torch.randn(4, 2), torch.randn(4), "mse")
    with pytest.raises(
        ValueError,
        match="loss must be one of 'mse', 'cross_entropy', 'sum_squares', 'logistic'",
    ):
        bp.loss_value(torch.randn(4, 1), torch.randn(4), "hinge")
    with pytest.raises(ValueError, match="one output per target"):
        bp.summed_error(torch.randn(4, 2), torch.randn(4), "sum_squares")
    with pytest.raises(TypeError, match="expected a dlbook.perceptron_mlp.MLP"):
        bp.preactivation_gradients(
            torch.nn.Sequential(torch.nn.Linear(2, 2)),
            torch.randn(4, 2),
            torch.randn(4, 2),
            "mse",
        )
    stepped = MLP(2, [3], 1, activation="step")
    with pytest.raises(ValueError, match="needs h''"):
        bp.diagonal_hessian(stepped, torch.randn(4, 2), torch.randn(4), "sum_squares")
    with pytest.raises(ValueError, match="one curvature per layer input"):
        bp.diagonal_from_curvatures(
            [torch.ones(4, 3)], [torch.ones(4, 2), torch.ones(4, 3)]
        )


def test_the_activations_come_from_the_activations_module():
    assert not hasattr(bp, "ACTIVATIONS") and not hasattr(
        bp, "numerical_gradient"
    )  # one copy of each
    torch.manual_seed(0)
    W, b, _ = bp.layers_of(MLP(3, [4], 2, activation="sigmoid").double())
    X = torch.randn(5, 3, dtype=torch.float64)
    Z, A = bp.forward(W, b, X, "sigmoid")
    torch.testing.assert_close(A[1], activations.sigmoid(Z[0]), rtol=0, atol=0)


@pytest.mark.parametrize("loss", ["sum_squares", "logistic"])
def test_preactivation_gradients_of_summed_errors_and_frozen_networks(loss):
    model, X, t = hessian_problem([4, 3], loss, seed=4)
    W, b, _ = bp.layers_of(model)
    Z, _ = bp.forward(W, b, X, "tanh")
    a = Z[-1].reshape(-1)
    y = a if loss == "sum_squares" else torch.sigmoid(a)
    model.requires_grad_(False)  # the reference still works: the graph starts at X
    deltas = bp.preactivation_gradients(model, X, t, loss)
    torch.testing.assert_close(
        deltas[-1].reshape(-1), y - t
    )  # ∂E/∂aₙ = yₙ − tₙ for both errors
    torch.testing.assert_close(
        deltas[-2], (deltas[-1] @ W[-1]) * (1 - torch.tanh(Z[-2]) ** 2)
    )
    assert all(p.grad is None for p in model.parameters())
