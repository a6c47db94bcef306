import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from dlbook import check
from dlbook.ntk import NTKMLP, empirical_ntk, parameter_jacobian

pytestmark = pytest.mark.usefixtures("one_thread")


def numerical_jacobian(model, x):
    """(N, K, P) by central differences in θ: trusts neither autograd nor torch.func."""
    params = list(model.parameters())
    rows = []
    for p in params:
        flat = p.data.view(-1)
        for i in range(flat.numel()):
            old = float(flat[i])
            flat[i] = old + 1e-6
            up = model(x).reshape(len(x), -1)
            flat[i] = old - 1e-6
            down = model(x).reshape(len(x), -1)
            flat[i] = old
            rows.append((up - down).detach() / 2e-6)
    return torch.stack(rows, dim=2)


def test_jacobian_matches_finite_differences():
    torch.manual_seed(0)
    model = NTKMLP(3, 5, 2, out_features=2, bias_std=0.3).double()
    x = torch.randn(4, 3, dtype=torch.float64)
    expected = numerical_jacobian(model, x)
    for method in ("jacobian", "loop"):
        check.close(parameter_jacobian(model, x, method=method), expected, atol=1e-7)


@settings(max_examples=12, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 3), st.integers(1, 3), st.integers(1, 2))
def test_three_methods_agree(n1, n2, k, d, depth):
    torch.manual_seed(n1 + 10 * n2)
    model = NTKMLP(d, 7, depth, out_features=k, bias_std=0.2).double()
    x1, x2 = torch.randn(n1, d, dtype=torch.float64), torch.randn(n2, d, dtype=torch.float64)
    reference = empirical_ntk(model, x1, x2, method="loop")
    assert reference.shape == ((n1, n2) if k == 1 else (n1, n2, k, k))
    for method in ("jacobian", "implicit"):
        check.close(empirical_ntk(model, x1, x2, method=method), reference, atol=1e-12)
    if k > 1:
        trace = empirical_ntk(model, x1, x2, reduction="trace")
        check.close(trace, reference.diagonal(dim1=2, dim2=3).mean(-1), atol=1e-12)


def test_kernel_is_the_gram_matrix_of_the_gradients():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(3, 6), nn.Tanh(), nn.Linear(6, 1)).double()
    x = torch.randn(5, 3, dtype=torch.float64)
    grads = []
    for n in range(5):
        model.zero_grad()
        model(x[n:n + 1]).sum().backward()
        grads.append(torch.cat([p.grad.reshape(-1) for p in model.parameters()]))
    grads = torch.stack(grads)
    kernel = empirical_ntk(model, x, method="implicit", chunk_size=2)
    check.close(kernel, grads @ grads.T, atol=1e-12)
    eigenvalues = torch.linalg.eigvalsh(kernel)
    assert eigenvalues.min() > -1e-10, "an NTK matrix is positive semi-definite"


def test_frozen_parameters_do_not_count():
    torch.manual_seed(2)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1)).double()
    x = torch.randn(3, 2, dtype=torch.float64)
    model[0].requires_grad_(False)
    last = model[2]
    features = torch.relu(model[0](x))
    with_ones = torch.cat([features, torch.ones(3, 1, dtype=torch.float64)], 1)
    check.close(empirical_ntk(model, x), with_ones @ with_ones.T, atol=1e-12)
    assert last.weight.requires_grad


def test_bad_input_names_the_problem():
    model = NTKMLP(2, 4, 1)
    with pytest.raises(TypeError, match="nn.Module"):
        empirical_ntk(lambda x: x, torch.zeros(2, 2))
    with pytest.raises(ValueError, match=r"x2 has examples of shape \(3,\)"):
        empirical_ntk(model, torch.zeros(2, 2), torch.zeros(2, 3))
    with pytest.raises(ValueError, match="x1 must have shape"):
        empirical_ntk(model, torch.zeros(2))
    with pytest.raises(TypeError, match="floating-point"):
        empirical_ntk(model, torch.zeros(2, 2, dtype=torch.long))
    with pytest.raises(ValueError, match="method must be one of"):
        empirical_ntk(model, torch.zeros(2, 2), method="exact")
    with pytest.raises(ValueError, match="reduction must be one of"):
        empirical_ntk(model, torch.zeros(2, 2), reduction="sum")
    with pytest.raises(ValueError, match="method must be one of"):
        parameter_jacobian(model, torch.zeros(2, 2), method="implicit")
    image_model = nn.Sequential(nn.Linear(2, 6), nn.Unflatten(1, (2, 3)))
    with pytest.raises(ValueError, match=r"\(N,\) or \(N, K\)"):
        empirical_ntk(image_model, torch.zeros(2, 2))
