"""Activation memory counted with saved-tensor hooks, and gradient checkpointing."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional as F

from dlbook import backprop as bp
from dlbook.perceptron_mlp import MLP


def _net(hidden, width=8, activation="tanh", seed=0):
    torch.manual_seed(seed)
    return MLP(width, [width] * hidden, 3, activation=activation).double()


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_saved_bytes_of_an_mlp_is_its_input_and_hidden_activations(activation):
    model = MLP(5, [7, 6, 4], 3, activation=activation)
    X = torch.randn(11, 5)
    n, out = bp.saved_bytes(lambda: model(X), exclude=model.parameters())
    assert n == 11 * (5 + 7 + 6 + 4) * 4  # float32: x, a¹, a², a³
    assert out.shape == (11, 3)
    with_parameters, _ = bp.saved_bytes(lambda: model(X))
    assert with_parameters > n  # the weights are saved too, unless excluded
    assert (
        bp.saved_bytes(lambda: torch.tanh(X))[0] == 0
    )  # X does not require grad: nothing saved


def test_saved_bytes_counts_a_storage_once():
    x = torch.randn(10, requires_grad=True)
    n, _ = bp.saved_bytes(lambda: (x * x).sum())  # mul saves x twice: one storage
    assert n == 10 * 4


@settings(max_examples=15, deadline=None)
@given(hidden=st.integers(0, 9), data=st.data(), batch=st.integers(1, 6))
def test_checkpointed_memory_matches_the_formula_and_gradients_are_identical(
    hidden, data, batch
):
    segments = data.draw(st.integers(1, hidden + 1))
    model = _net(hidden)
    blocks = bp.blocks_of(model)
    X, y = torch.randn(batch, 8, dtype=torch.float64), torch.randint(0, 3, (batch,))
    n, out = bp.saved_bytes(
        lambda: bp.checkpointed(blocks, X, segments), model.parameters()
    )
    assert n == batch * 8 * 8 * bp.checkpoint_activations(
        hidden, segments
    )  # float64: 8 bytes
    grads = torch.autograd.grad(F.cross_entropy(out, y), list(model.parameters()))
    plain = torch.autograd.grad(F.cross_entropy(model(X), y), list(model.parameters()))
    assert all(torch.equal(g, p) for g, p in zip(grads, plain))


@pytest.mark.parametrize("hidden, segments", [(4, 1), (4, 2), (8, 3), (8, 9), (15, 4)])
def test_checkpointing_recomputes_the_forward_of_the_checkpointed_layers(
    hidden, segments
):
    model, width, batch = _net(hidden, width=16), 16, 5
    blocks = bp.blocks_of(model)
    X, y = torch.randn(batch, width, dtype=torch.float64), torch.randint(0, 3, (batch,))

    def gradient(k):
        return lambda: torch.autograd.grad(
            F.cross_entropy(bp.checkpointed(blocks, X, k), y), list(model.parameters())
        )

    extra = bp.matmul_flops(gradient(segments)) - bp.matmul_flops(gradient(1))
    assert extra == bp.recomputed_layers(hidden, segments) * 2 * batch * width * width


def test_the_formula_at_its_ends():
    assert bp.checkpoint_activations(8, 1) == 9  # x, a¹ … a⁸
    assert bp.checkpoint_activations(8, 3) == 5  # 2 piece inputs + a⁶ (input), a⁷, a⁸
    assert bp.recomputed_layers(8, 1) == 0
    assert bp.recomputed_layers(8, 3) == 6


def test_blocks_share_the_model_parameters():
    model = _net(3)
    blocks = bp.blocks_of(model)
    assert len(blocks) == 4
    assert {id(p) for p in blocks.parameters()} == {id(p) for p in model.parameters()}
    X = torch.randn(2, 8, dtype=torch.float64)
    torch.testing.assert_close(blocks(X), model(X), rtol=0, atol=0)


def test_bad_input_is_named():
    blocks = bp.blocks_of(_net(2))
    with pytest.raises(ValueError, match="segments must be between 1"):
        bp.checkpointed(blocks, torch.randn(2, 8, dtype=torch.float64), 4)
    with pytest.raises(ValueError, match="1 ≤ segments"):
        bp.checkpoint_activations(2, 0)
    with pytest.raises(ValueError, match="blocks_of expects"):
        bp.blocks_of(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Tanh()))
