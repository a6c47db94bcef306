import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional as F

from dlbook import backprop as bp
from dlbook.mlp import MLP


def torch_reference(model, X, T, loss):
    """Loss, pre-activation gradients and parameter gradients by torch autograd (float64)."""
    model = model.double()
    Z, x = [], X
    for layer in model:
        x = layer(x)
        if isinstance(layer, torch.nn.Linear):
            x.retain_grad()
            Z.append(x)
    value = F.mse_loss(x, T) if loss == "mse" else F.cross_entropy(x, T)
    value.backward()
    return [z.grad for z in Z], [m.weight.grad for m in model.linears()], [m.bias.grad for m in model.linears()]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=3), st.sampled_from(["tanh", "sigmoid", "relu"]),
       st.sampled_from(["mse", "cross_entropy"]), st.integers(1, 6), st.integers(0, 1000))
def test_backprop_matches_autograd(hidden, activation, loss, n, seed):
    torch.manual_seed(seed)
    model = MLP(3, hidden, 4, activation=activation).double()
    X = torch.randn(n, 3, dtype=torch.float64)
    T = torch.randn(n, 4, dtype=torch.float64) if loss == "mse" else torch.randint(0, 4, (n,))
    W, b, act = bp.layers_of(model)
    ours = bp.backprop(W, b, X, T, activation=act, loss=loss)
    deltas, weight_grads, bias_grads = torch_reference(model, X, T, loss)
    for mine, ref in zip(ours.deltas + ours.weight_grads + ours.bias_grads, deltas + weight_grads + bias_grads):
        torch.testing.assert_close(mine, ref, rtol=1e-10, atol=1e-12)


def test_bad_input():
    W, b, _ = bp.layers_of(MLP(3, [4], 2))
    with pytest.raises(ValueError, match="layer 1 expects 3 inputs"):
        bp.forward(W, b, torch.randn(5, 2, dtype=torch.float64))
    with pytest.raises(ValueError, match="activation must be one of"):
        bp.backprop(W, b, torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 2), activation="swish")
    with pytest.raises(ValueError, match="loss must be 'mse' or 'cross_entropy'"):
        bp.output_delta(torch.randn(5, 2), torch.randn(5, 2), "hinge")
    with pytest.raises(TypeError, match="expected a dlbook.mlp.MLP"):
        bp.layers_of(torch.nn.Linear(2, 2))
    model = MLP(2, [3], 2)
    with pytest.raises(ValueError, match="one output"):
        bp.exact_hessian(model, torch.randn(4, 2), torch.randn(4), "sum_squares")
    with pytest.raises(ValueError, match="'sum_squares' or 'logistic'"):
        bp.outer_product_hessian(MLP(2, [3], 1), torch.randn(4, 2), torch.randn(4), "mse")


def test_numerical_gradient_keeps_the_dtype_and_converges():
    x = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64)
    exact = torch.cos(x) * x + torch.sin(x)
    g = bp.numerical_gradient(lambda v: (torch.sin(v) * v).sum(), x, h=1e-5)
    assert g.dtype == torch.float64 and torch.allclose(g, exact, atol=1e-9)
    g32 = bp.numerical_gradient(lambda v: (torch.sin(v) * v).sum(), x.float(), h=1e-2)
    assert g32.dtype == torch.float32 and torch.allclose(g32.double(), exact, atol=1e-3)


def test_gaussian_init_and_dead_units():
    torch.manual_seed(0)
    model = bp.gaussian_init_(MLP(50, [200, 200], 3, activation="relu"), scale=2.0)
    first = model.linears()[0]
    assert torch.all(first.bias == 0)
    assert first.weight.std().item() == pytest.approx(2.0 / 50 ** 0.5, rel=0.05)
    X = torch.randn(64, 50)
    W1, W2 = (m.weight.detach() for m in model.linears()[:2])
    second = torch.relu(torch.relu(X @ W1.T) @ W2.T)
    assert bp.dead_units(model, X) == [0, int((second == 0).all(dim=0).sum())]  # no first-layer unit is dead
    with torch.no_grad():
        first.bias[:7] = -1e3  # seven units pushed far below zero for every input
    assert bp.dead_units(model, X)[0] == 7


def hessian_problem(hidden, loss, seed=0):
    torch.manual_seed(seed)
    model = MLP(2, hidden, 1, activation="tanh").double()
    X = torch.randn(15, 2, dtype=torch.float64)
    t = torch.randn(15, dtype=torch.float64)
    return model, X, (t if loss == "sum_squares" else (t > 0).double())


@pytest.mark.parametrize("loss", ["sum_squares", "logistic"])
def test_exact_hessian_is_symmetric_and_matches_finite_differences_of_the_gradient(loss):
    model, X, t = hessian_problem([3], loss)
    E, theta = bp.error_function(model, X, t, loss), bp.flat_parameters(model)
    H = bp.exact_hessian(model, X, t, loss)
    grad = lambda th: torch.func.grad(E)(th)  # noqa: E731
    h = 1e-5
    columns = [(grad(theta + h * e) - grad(theta - h * e)) / (2 * h) for e in torch.eye(len(theta), dtype=theta.dtype)]
    torch.testing.assert_close(H, torch.stack(columns, dim=1), rtol=1e-5, atol=1e-7)
    torch.testing.assert_close(H, H.T)


@pytest.mark.parametrize("loss", ["sum_squares", "logistic"])
def test_outer_product_is_the_hessian_minus_the_residual_term(loss):
    model, X, t = hessian_problem([4], loss)
    a, theta = bp.output_function(model, X), bp.flat_parameters(model)
    y = a(theta) if loss == "sum_squares" else torch.sigmoid(a(theta))
    residual = (y - t).detach()
    second_term = torch.autograd.functional.hessian(lambda th: (residual * a(th)).sum(), theta)  # Σ (yₙ−tₙ) ∇∇aₙ
    exact = bp.exact_hessian(model, X, t, loss)
    torch.testing.assert_close(bp.outer_product_hessian(model, X, t, loss) + second_term, exact)
    eigenvalues = torch.linalg.eigvalsh(bp.outer_product_hessian(model, X, t, loss))
    assert eigenvalues.min() > -1e-10  # a sum of c bbᵀ with c ≥ 0 is positive semi-definite


@pytest.mark.parametrize("loss", ["sum_squares", "logistic"])
def test_diagonal_approximation(loss):
    # one hidden layer, one output: no cross terms are dropped, so the diagonal is exact
    model, X, t = hessian_problem([4], loss)
    torch.testing.assert_close(bp.diagonal_hessian(model, X, t, loss), bp.exact_hessian(model, X, t, loss).diag())
    # two hidden layers: the last layer's entries stay exact, the first layer's are approximate
    model, X, t = hessian_problem([4, 3], loss, seed=1)
    approx, exact = bp.diagonal_hessian(model, X, t, loss), bp.exact_hessian(model, X, t, loss).diag()
    n_last = 3 + 1
    torch.testing.assert_close(approx[-n_last:], exact[-n_last:])
    n_first = 2 * 4 + 4
    assert not torch.allclose(approx[:n_first], exact[:n_first], rtol=1e-3, atol=1e-6)


def test_hessian_vector_product_by_double_backprop():
    model, X, t = hessian_problem([5], "logistic")
    E, theta = bp.error_function(model, X, t, "logistic"), bp.flat_parameters(model)
    H = bp.exact_hessian(model, X, t, "logistic")
    v = torch.randn_like(theta)
    torch.testing.assert_close(bp.hvp(E, theta, v), H @ v)
    assert bp.relative_frobenius(H, H) == 0.0
    assert bp.relative_frobenius(2 * H, H) == pytest.approx(1.0)
