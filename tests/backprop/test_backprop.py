import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional as F

from dlbook.perceptron_mlp import activations
from dlbook import backprop as bp
from dlbook.perceptron_mlp import MLP
from dlbook.probe import flat_parameters


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
@given(st.lists(st.integers(1, 5), min_size=1, max_size=3),
       st.sampled_from(["tanh", "sigmoid", "relu", "leaky_relu", "gelu", "softplus"]),
       st.sampled_from(["mse", "cross_entropy"]), st.integers(1, 6), st.integers(0, 1000))
def test_backprop_matches_autograd(hidden, activation, loss, n, seed):
    torch.manual_seed(seed)
    model = MLP(3, hidden, 4, activation=activation).double()
    X = torch.randn(n, 3, dtype=torch.float64)
    T = torch.randn(n, 4, dtype=torch.float64) if loss == "mse" else torch.randint(0, 4, (n,))
    W, b, act = bp.layers_of(model)
    ours = bp.backprop(W, b, X, T, activation=act, loss=loss)
    autograd_deltas = bp.preactivation_gradients(model, X, T, loss)
    deltas, weight_grads, bias_grads = torch_reference(model, X, T, loss)
    for mine, ref in zip(autograd_deltas, deltas, strict=True):
        torch.testing.assert_close(mine, ref, rtol=1e-12, atol=1e-14)
    for mine, ref in zip(ours.deltas + ours.weight_grads + ours.bias_grads, deltas + weight_grads + bias_grads):
        torch.testing.assert_close(mine, ref, rtol=1e-10, atol=1e-12)


def test_bad_input():
    W, b, _ = bp.layers_of(MLP(3, [4], 2))
    with pytest.raises(ValueError, match="layer 1 expects 3 inputs"):
        bp.forward(W, b, torch.randn(5, 2, dtype=torch.float64))
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        bp.backprop(W, b, torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 2), activation="swish")
    with pytest.raises(ValueError, match="loss must be 'mse' or 'cross_entropy'"):
        bp.output_delta(torch.randn(5, 2), torch.randn(5, 2), "hinge")
    with pytest.raises(TypeError, match="expected a dlbook.perceptron_mlp.MLP"):
        bp.layers_of(torch.nn.Linear(2, 2))
    model = MLP(2, [3], 2)
    with pytest.raises(ValueError, match="one output"):
        bp.exact_hessian(model, torch.randn(4, 2), torch.randn(4), "sum_squares")
    with pytest.raises(ValueError, match="one output"):
        bp.preactivation_derivatives(model, torch.randn(4, 2), torch.randn(4), "sum_squares")
    for helper in (bp.error_function, bp.outer_product_hessian, bp.diagonal_hessian, bp.preactivation_derivatives):
        with pytest.raises(ValueError, match="'sum_squares' or 'logistic'"):
            helper(MLP(2, [3], 1), torch.randn(4, 2), torch.randn(4), "mse")
    with pytest.raises(ValueError, match="loss must be one of 'mse', 'cross_entropy', 'sum_squares', 'logistic'"):
        bp.loss_value(torch.randn(4, 1), torch.randn(4), "hinge")
    with pytest.raises(ValueError, match="one output per target"):
        bp.summed_error(torch.randn(4, 2), torch.randn(4), "sum_squares")
    with pytest.raises(TypeError, match="expected a dlbook.perceptron_mlp.MLP"):
        bp.preactivation_gradients(torch.nn.Sequential(torch.nn.Linear(2, 2)), torch.randn(4, 2), torch.randn(4, 2), "mse")
    stepped = MLP(2, [3], 1, activation="step")
    with pytest.raises(ValueError, match="needs h''"):
        bp.diagonal_hessian(stepped, torch.randn(4, 2), torch.randn(4), "sum_squares")
    with pytest.raises(ValueError, match="one curvature per layer input"):
        bp.diagonal_from_curvatures([torch.ones(4, 3)], [torch.ones(4, 2), torch.ones(4, 3)])


def test_the_activations_come_from_the_activations_module():
    assert not hasattr(bp, "ACTIVATIONS") and not hasattr(bp, "numerical_gradient")  # one copy of each
    torch.manual_seed(0)
    W, b, _ = bp.layers_of(MLP(3, [4], 2, activation="sigmoid").double())
    X = torch.randn(5, 3, dtype=torch.float64)
    Z, A = bp.forward(W, b, X, "sigmoid")
    torch.testing.assert_close(A[1], activations.sigmoid(Z[0]), rtol=0, atol=0)


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


def hessian_problem(hidden, loss, seed=0, activation="tanh"):
    torch.manual_seed(seed)
    model = MLP(2, hidden, 1, activation=activation).double()
    X = torch.randn(15, 2, dtype=torch.float64)
    t = torch.randn(15, dtype=torch.float64)
    return model, X, (t if loss == "sum_squares" else (t > 0).double())


@pytest.mark.parametrize("loss", ["sum_squares", "logistic"])
def test_exact_hessian_is_symmetric_and_matches_finite_differences_of_the_gradient(loss):
    model, X, t = hessian_problem([3], loss)
    E, theta = bp.error_function(model, X, t, loss), flat_parameters(model, torch.float64)
    H = bp.exact_hessian(model, X, t, loss)
    grad = lambda th: torch.func.grad(E)(th)  # noqa: E731
    h = 1e-5
    columns = [(grad(theta + h * e) - grad(theta - h * e)) / (2 * h) for e in torch.eye(len(theta), dtype=theta.dtype)]
    torch.testing.assert_close(H, torch.stack(columns, dim=1), rtol=1e-5, atol=1e-7)
    torch.testing.assert_close(H, H.T)


@pytest.mark.parametrize("loss", ["sum_squares", "logistic"])
def test_outer_product_is_the_hessian_minus_the_residual_term(loss):
    model, X, t = hessian_problem([4], loss)
    a, theta = bp.output_function(model, X), flat_parameters(model, torch.float64)
    y = a(theta) if loss == "sum_squares" else torch.sigmoid(a(theta))
    residual = (y - t).detach()
    second_term = torch.autograd.functional.hessian(lambda th: (residual * a(th)).sum(), theta)  # Σ (yₙ−tₙ) ∇∇aₙ
    exact = bp.exact_hessian(model, X, t, loss)
    torch.testing.assert_close(bp.outer_product_hessian(model, X, t, loss) + second_term, exact)
    eigenvalues = torch.linalg.eigvalsh(bp.outer_product_hessian(model, X, t, loss))
    assert eigenvalues.min() > -1e-10  # a sum of c bbᵀ with c ≥ 0 is positive semi-definite


@pytest.mark.parametrize("loss", ["sum_squares", "logistic"])
def test_preactivation_derivatives_match_a_per_example_reference(loss):
    model, X, t = hessian_problem([4, 3], loss, seed=2)
    deltas, hessians = bp.preactivation_derivatives(model, X, t, loss)
    assert [tuple(H.shape) for H in hessians] == [(15, 4, 4), (15, 3, 3), (15, 1, 1)]
    # first derivatives: the chapter's backprop with F.mse_loss (mean over N, one output) has δ = 2 (a − t) / N
    W, b, _ = bp.layers_of(model)
    if loss == "sum_squares":
        for mine, ref in zip(deltas, bp.backprop(W, b, X, t[:, None], activation="tanh", loss="mse").deltas):
            torch.testing.assert_close(mine, ref * len(X) / 2)
    Z, _ = bp.forward(W, b, X, "tanh")
    a = Z[-1].reshape(-1)
    y = a if loss == "sum_squares" else torch.sigmoid(a)
    torch.testing.assert_close(deltas[-1].reshape(-1), y - t)
    torch.testing.assert_close(hessians[-1].reshape(-1), torch.ones_like(a) if loss == "sum_squares" else y * (1 - y))
    # second derivatives: one example at a time, through the network from layer 1's pre-activations
    def E_n(z1, n):
        a_n = torch.tanh(torch.tanh(z1) @ W[1].T + b[1]) @ W[2].T + b[2]
        return bp.example_errors(a_n.reshape(-1), t[n:n + 1], loss).sum()
    for n in (0, 7, 14):
        torch.testing.assert_close(hessians[0][n], torch.autograd.functional.hessian(lambda z: E_n(z, n), Z[0][n]))


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("loss", ["sum_squares", "logistic"])
def test_second_derivatives_backpropagate_with_the_cross_terms(activation, loss):
    """Eq. backprop-diag-exact: ∂²Eₙ/∂zⱼ² = h'(zⱼ)² Σₖₖ' wₖⱼ wₖ'ⱼ ∂²Eₙ/∂zₖ∂zₖ' + h''(zⱼ) Σₖ wₖⱼ ∂Eₙ/∂zₖ."""
    model, X, t = hessian_problem([4, 3, 3], loss, seed=3, activation=activation)
    W, b, _ = bp.layers_of(model)
    Z, _ = bp.forward(W, b, X, activation)
    deltas, hessians = bp.preactivation_derivatives(model, X, t, loss)
    h = activations.get(activation)
    for l in range(len(W) - 1):
        cross = torch.einsum("nkm,kj,mj->nj", hessians[l + 1], W[l + 1], W[l + 1])  # Σₖₖ' wₖⱼ wₖ'ⱼ Hₖₖ'
        formula = h.derivative(Z[l]) ** 2 * cross + h.second_derivative(Z[l]) * (deltas[l + 1] @ W[l + 1])
        torch.testing.assert_close(formula, hessians[l].diagonal(dim1=1, dim2=2), rtol=1e-9, atol=1e-12)
        # without the h'' term the formula is off by far more than the tolerance: the check can fail
        assert (h.derivative(Z[l]) ** 2 * cross - hessians[l].diagonal(dim1=1, dim2=2)).abs().max() > 1e-5


@pytest.mark.parametrize("loss", ["sum_squares", "logistic"])
def test_exact_curvatures_give_the_exact_diagonal(loss):
    """Eq. backprop-diag-weight: ∂²E/∂wⱼᵢ² = Σₙ ∂²Eₙ/∂zⱼ² aᵢ², on every layer, in parameters() order."""
    model, X, t = hessian_problem([4, 3], loss, seed=1)
    W, b, _ = bp.layers_of(model)
    _, A = bp.forward(W, b, X, "tanh")
    _, hessians = bp.preactivation_derivatives(model, X, t, loss)
    S = [H.diagonal(dim1=1, dim2=2) for H in hessians]
    exact = bp.exact_hessian(model, X, t, loss).diag()
    torch.testing.assert_close(bp.diagonal_from_curvatures(S, A), exact, rtol=1e-9, atol=1e-12)
    with_cross_terms = [H.sum(dim=2) for H in hessians]  # Σₖ ∂²Eₙ/∂zⱼ∂zₖ instead of ∂²Eₙ/∂zⱼ²: must not match
    assert bp.relative_frobenius(bp.diagonal_from_curvatures(with_cross_terms, A), exact) > 1e-2


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("loss", ["sum_squares", "logistic"])
def test_diagonal_approximation(loss, activation):
    # one hidden layer, one output: no cross terms are dropped, so the diagonal is exact
    model, X, t = hessian_problem([4], loss, activation=activation)
    torch.testing.assert_close(bp.diagonal_hessian(model, X, t, loss), bp.exact_hessian(model, X, t, loss).diag())
    # two hidden layers: layers 2 and 3 are exact; layer 1 is what dropping layer 2's cross terms k ≠ k' gives
    model, X, t = hessian_problem([4, 3], loss, seed=1, activation=activation)
    approx, exact = bp.diagonal_hessian(model, X, t, loss), bp.exact_hessian(model, X, t, loss).diag()
    n_first = 2 * 4 + 4
    torch.testing.assert_close(approx[n_first:], exact[n_first:])
    W, b, _ = bp.layers_of(model)
    Z, A = bp.forward(W, b, X, activation)
    deltas, hessians = bp.preactivation_derivatives(model, X, t, loss)  # autograd, independent of the recursion
    h = activations.get(activation)
    S2 = hessians[1].diagonal(dim1=1, dim2=2)  # only the diagonal of layer 2's per-example Hessians
    S1 = h.derivative(Z[0]) ** 2 * (S2 @ W[1] ** 2) + h.second_derivative(Z[0]) * (deltas[1] @ W[1])
    dropped = bp.diagonal_from_curvatures([S1, S2, hessians[2].diagonal(dim1=1, dim2=2)], A)
    torch.testing.assert_close(approx, dropped, rtol=1e-9, atol=1e-12)
    # ... and that is a real approximation: layer 1 is clearly off the exact diagonal
    assert bp.relative_frobenius(approx[:n_first], exact[:n_first]) > 1e-2


def test_hessian_vector_product_by_double_backprop():
    model, X, t = hessian_problem([5], "logistic")
    E, theta = bp.error_function(model, X, t, "logistic"), flat_parameters(model, torch.float64)
    H = bp.exact_hessian(model, X, t, "logistic")
    v = torch.randn_like(theta)
    torch.testing.assert_close(bp.hvp(E, theta, v), H @ v)
    assert bp.relative_frobenius(H, H) == 0.0
    assert bp.relative_frobenius(2 * H, H) == pytest.approx(1.0)


def test_summed_errors_are_the_sums_of_torch_losses():
    torch.manual_seed(0)
    a, t = torch.randn(7, 1, dtype=torch.float64), torch.randn(7, dtype=torch.float64)
    labels = (t > 0).double()
    torch.testing.assert_close(bp.summed_error(a, t, "sum_squares"), 0.5 * F.mse_loss(a[:, 0], t, reduction="sum"))
    torch.testing.assert_close(bp.summed_error(a, labels, "logistic"),
                               F.binary_cross_entropy_with_logits(a[:, 0], labels, reduction="sum"))
    torch.testing.assert_close(bp.loss_value(a, labels, "logistic"), bp.summed_error(a[:, 0], labels, "logistic"))


@pytest.mark.parametrize("loss", ["sum_squares", "logistic"])
def test_preactivation_gradients_of_summed_errors_and_frozen_networks(loss):
    model, X, t = hessian_problem([4, 3], loss, seed=4)
    W, b, _ = bp.layers_of(model)
    Z, _ = bp.forward(W, b, X, "tanh")
    a = Z[-1].reshape(-1)
    y = a if loss == "sum_squares" else torch.sigmoid(a)
    model.requires_grad_(False)  # the reference still works: the graph starts at X
    deltas = bp.preactivation_gradients(model, X, t, loss)
    torch.testing.assert_close(deltas[-1].reshape(-1), y - t)  # ∂E/∂aₙ = yₙ − tₙ for both errors
    torch.testing.assert_close(deltas[-2], (deltas[-1] @ W[-1]) * (1 - torch.tanh(Z[-2]) ** 2))
    assert all(p.grad is None for p in model.parameters())


def test_matmul_flops_counts_the_forward_and_backward_products():
    torch.manual_seed(0)
    layer = torch.nn.Linear(5, 3)
    X = torch.randn(8, 5)
    assert bp.matmul_flops(lambda: layer(X)) == 2 * 8 * 5 * 3  # one multiply–add per (n, i, o)
    model = MLP(6, [5, 4], 3)
    X, y = torch.randn(10, 6), torch.randint(0, 3, (10,))
    per_layer = [2 * 10 * 6 * 5, 2 * 10 * 5 * 4, 2 * 10 * 4 * 3]
    assert bp.matmul_flops(lambda: F.cross_entropy(model(X), y)) == sum(per_layer)
    # backward: two products per layer (errors and weight gradients), except no error is sent into X
    gradient = bp.matmul_flops(lambda: torch.autograd.grad(F.cross_entropy(model(X), y), list(model.parameters())))
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
