import numpy as np
import pytest
import torch

from dlbook.perceptron_mlp import MLP as TorchMLP
from dlbook.backprop import Tensor
from dlbook.backprop.numpy_nn import MLP, SGD, cross_entropy, train


def test_cross_entropy_rejects_bad_shapes():
    with pytest.raises(ValueError, match="logits"):
        cross_entropy(Tensor(np.ones(3)), [0, 1, 2])
    with pytest.raises(ValueError, match=r"targets \(N,\)"):
        cross_entropy(Tensor(np.ones((3, 2))), [0, 1])


def test_mlp_cross_entropy_and_one_sgd_step_match_torch():
    torch.manual_seed(0)
    reference = TorchMLP(5, [7, 6], 3, activation="tanh").double()
    ours = MLP.from_torch(reference)
    X, y = np.random.default_rng(0).normal(size=(8, 5)), np.array(
        [0, 2, 1, 1, 0, 2, 2, 1]
    )
    loss = cross_entropy(ours(Tensor(X)), y)
    ref = torch.nn.functional.cross_entropy(reference(torch.tensor(X)), torch.tensor(y))
    assert float(loss.data) == pytest.approx(ref.item(), rel=1e-12)
    SGD(ours.parameters(), lr=0.5).zero_grad()
    loss.backward()
    ref.backward()
    SGD(ours.parameters(), lr=0.5).step()
    torch.optim.SGD(reference.parameters(), lr=0.5).step()
    for p, q in zip(ours.parameters(), reference.parameters()):
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-12, atol=1e-12)


def test_training_lowers_the_loss_and_fits_a_separable_problem():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 2))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    model = MLP([2, 16, 2], "relu", rng=rng)
    losses = train(model, X, y, epochs=15, batch_size=16, lr=0.2, seed=0)
    assert losses[-1] < 0.5 * losses[0]
    assert (model(Tensor(X)).data.argmax(axis=1) == y).mean() > 0.9
    with pytest.raises(ValueError, match="activation must be"):
        MLP([2, 2], "sigmoid")
    with pytest.raises(ValueError, match="at least an input and an output"):
        MLP([2])
    with pytest.raises(TypeError, match="expects a dlbook.perceptron_mlp.MLP"):
        MLP.from_torch(torch.nn.Linear(2, 2))
    with pytest.raises(ValueError, match=r"X of shape \(N, D\) and y of shape \(N,\)"):
        train(model, X, y[:-1], epochs=1, batch_size=16, lr=0.1)
    with pytest.raises(ValueError, match="lr > 0"):
        train(model, X, y, epochs=1, batch_size=16, lr=0.0)
