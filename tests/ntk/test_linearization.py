import pytest
import torch
from torch import nn
from torch.nn import functional as F

import dlbook
from dlbook import check
from dlbook.ntk import NTKMLP, LinearizedModel, empirical_ntk, ntk_prediction, parameter_jacobian
from dlbook.probe import flat_parameters

pytestmark = pytest.mark.usefixtures("one_thread")


def test_first_order_expansion():
    torch.manual_seed(0)
    model = NTKMLP(3, 8, 2, bias_std=0.3).double()
    lin = LinearizedModel(model)
    x = torch.randn(5, 3, dtype=torch.float64)
    check.close(lin(x), model(x), atol=1e-12)
    delta = 0.1 * torch.randn(lin.theta.shape, dtype=torch.float64)
    with torch.no_grad():
        lin.theta += delta
    jac = parameter_jacobian(model, x)[:, 0]  # (N, P)
    check.close(lin(x)[:, 0], model(x)[:, 0] + jac @ delta, atol=1e-12)
    check.close(flat_parameters(model), lin.theta0, atol=0)  # the model itself is untouched
    (grad,) = torch.autograd.grad(lin(x).sum(), lin.theta)
    check.close(grad, jac.sum(0), atol=1e-12)


def test_a_linear_model_is_its_own_linearisation():
    model = nn.Linear(4, 1).double()
    lin = LinearizedModel(model)
    with torch.no_grad():
        lin.theta.normal_()
        model.weight.copy_(lin.theta[:4].view(1, 4))
        model.bias.copy_(lin.theta[4:])
    x = torch.randn(6, 4, dtype=torch.float64)
    check.close(lin(x), model(x), atol=1e-12)


def test_trained_by_fit_it_follows_the_kernel_formula():
    torch.manual_seed(1)
    model = NTKMLP(2, 16, 1, bias_std=0.5).double()
    x, y = torch.randn(6, 2, dtype=torch.float64), torch.randn(6, 1, dtype=torch.float64)
    x_test = torch.randn(4, 2, dtype=torch.float64)
    kernel, cross = empirical_ntk(model, x), empirical_ntk(model, x_test, x)
    with torch.no_grad():
        f0, f0_test = model(x)[:, 0], model(x_test)[:, 0]
    lin = LinearizedModel(model)
    dlbook.fit(lin, (x, y), loss_fn=lambda out, t: 0.5 * F.mse_loss(out, t), epochs=25, batch_size=6,
               optimizer=torch.optim.SGD(lin.parameters(), lr=0.5), shuffle=False, device="cpu", progress=False)
    expected = ntk_prediction(cross, kernel, y[:, 0], f0_test=f0_test, f0_train=f0, lr=0.5, steps=25)
    check.close(lin(x_test)[:, 0], expected, atol=1e-10)


def test_moves_with_dtype_and_device():
    lin = LinearizedModel(nn.Linear(2, 1)).double()
    assert lin.theta.dtype == lin.theta0.dtype == torch.float64
    assert lin(torch.zeros(3, 2, dtype=torch.float64)).dtype == torch.float64


def test_bad_input_names_the_problem():
    with pytest.raises(TypeError, match="nn.Module"):
        LinearizedModel(lambda x: x)
    partly_frozen = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 1))
    partly_frozen[0].requires_grad_(False)
    with pytest.raises(ValueError, match="every parameter"):
        LinearizedModel(partly_frozen)
