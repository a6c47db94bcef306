import numpy as np
import pytest
import sympy
import torch
from torch import nn
from torch.nn import functional as F

from dlbook import check


def test_grad_accepts_a_correct_derivation():
    x = torch.randn(6, dtype=torch.float64)
    result = check.grad(lambda x: (x.sin() * x).sum(), lambda x: x.cos() * x + x.sin(), x, name="d/dx x sin x")
    assert result.max_abs_err < 1e-12
    assert repr(result) == "✓ d/dx x sin x matches autograd and finite differences (atol=1e-08, rtol=1e-06)"


def test_grad_rejects_a_wrong_derivation_with_a_readable_message():
    x = torch.randn(4)
    with pytest.raises(AssertionError, match=r"d/dx x³ does not match autograd: at index \(\d,\) got"):
        check.grad(lambda x: (x ** 3).sum(), lambda x: 2 * x ** 2, x, name="d/dx x³")


def test_grad_with_several_inputs():
    W, v = torch.randn(3, 4), torch.randn(4)
    check.grad(lambda W, v: (W @ v).square().sum(), lambda W, v: (2 * torch.outer(W @ v, v), 2 * W.T @ (W @ v)), W, v)


def test_grad_detects_an_autograd_finite_difference_disagreement():
    class Liar(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.square().sum()

        @staticmethod
        def backward(ctx, g):
            return torch.zeros(3, dtype=torch.float64)

    with pytest.raises(AssertionError, match="finite differences"):
        check.grad(Liar.apply, lambda x: torch.zeros_like(x), torch.ones(3))


def test_close_compares_shapes_and_values():
    assert check.close(np.array([1.0, 2.0]), torch.tensor([1.0, 2.0])).max_abs_err == 0
    with pytest.raises(AssertionError, match="shape"):
        check.close(torch.ones(2), torch.ones(3))
    with pytest.raises(AssertionError, match="NaN"):
        check.close(torch.tensor([float("nan")]), torch.tensor([0.0]))
    with pytest.raises(AssertionError, match="index \\(1,\\)"):
        check.close([1.0, 2.5], [1.0, 2.0], atol=1e-3, rtol=0)


def test_finite_differences_of_a_quadratic_are_exact():
    A = torch.randn(3, 3, dtype=torch.float64)
    x = torch.randn(3, dtype=torch.float64)
    (g,) = check.finite_differences(lambda x: x @ A @ x, x)
    assert torch.allclose(g, (A + A.T) @ x, atol=1e-8)


def test_finite_differences_in_a_chosen_dtype_keep_it_and_converge():
    x = torch.tensor([0.3, -1.2, 2.0], dtype=torch.float64)
    exact = torch.cos(x) * x + torch.sin(x)
    f = lambda v: (torch.sin(v) * v).sum()  # noqa: E731
    (g,) = check.finite_differences(f, x, eps=1e-5)
    assert g.dtype == torch.float64 and torch.allclose(g, exact, atol=1e-9)
    (g32,) = check.finite_differences(f, x, eps=1e-2, dtype=torch.float32)
    assert g32.dtype == torch.float32 and torch.allclose(g32.double(), exact, atol=1e-3)
    seen = []
    check.finite_differences(lambda v: seen.append(v.dtype) or f(v), x, dtype=torch.float32)
    assert set(seen) == {torch.float32}, "f is evaluated in the requested precision"
    # in float32 a tiny step is swamped by round-off; in float64 it is not
    (g32_tiny,) = check.finite_differences(f, x, eps=1e-6, dtype=torch.float32)
    assert check.relative_error(g32_tiny, exact) > 1e-3 > 1e-8 > check.relative_error(check.finite_differences(f, x)[0], exact)
    with pytest.raises(TypeError, match="floating-point torch.dtype"):
        check.finite_differences(f, x, dtype=torch.int64)


def test_autograd_needs_a_scalar():
    with pytest.raises(ValueError, match="scalar"):
        check.autograd(lambda x: x * 2, torch.ones(3))


def test_a_function_without_a_graph_has_zero_gradient():
    step = lambda x: (x > 0).double().sum()  # noqa: E731  piecewise constant: autograd records nothing
    x = torch.tensor([-1.0, 0.5, 2.0])
    assert torch.equal(check.autograd(step, x)[0], torch.zeros(3, dtype=torch.float64))
    check.grad(step, lambda x: torch.zeros_like(x), x, name="step'")
    with pytest.raises(AssertionError):
        check.grad(step, lambda x: torch.ones_like(x), x, name="step'")


def test_jacobian_of_softmax():
    def manual(z):
        s = torch.softmax(z, 0)
        return torch.diag(s) - torch.outer(s, s)

    check.jacobian(lambda z: torch.softmax(z, 0), manual, torch.randn(5))
    with pytest.raises(AssertionError):
        check.jacobian(lambda z: torch.softmax(z, 0), lambda z: torch.diag(torch.softmax(z, 0)), torch.randn(5))


def test_symbolic():
    x = sympy.symbols("x")
    assert "exactly" in repr(check.symbolic(sympy.diff(sympy.tanh(x), x), 1 - sympy.tanh(x) ** 2, name="tanh'"))
    with pytest.raises(AssertionError, match="differ"):
        check.symbolic(sympy.diff(x ** 3, x), 3 * x, name="power rule")


def test_relative_error():
    assert check.relative_error([1.0, 2.0], [1.0, 2.0]) == 0
    assert check.relative_error([0.0], [0.0]) == 0
    assert check.relative_error([1.0], [1.1]) == pytest.approx(0.1 / 1.1)


# ------------------------------------------------------------------ same_as_torch

class ScaledBatchNorm(nn.BatchNorm1d):
    """A batch norm that is wrong by a factor: the check must catch it."""

    def forward(self, x):
        return super().forward(x) * 1.0001


class LazyMomentum(nn.BatchNorm1d):
    """Right outputs and gradients in training, wrong running statistics: only the buffer check sees it."""

    def forward(self, x):
        momentum, self.momentum = self.momentum, 0.2
        try:
            return super().forward(x)
        finally:
            self.momentum = momentum


def test_same_as_torch_passes_for_a_twin_and_converts_to_float64():
    torch.manual_seed(0)
    ours, theirs = nn.BatchNorm1d(3), nn.BatchNorm1d(3)
    result = check.same_as_torch(ours, theirs, torch.randn(6, 3))
    assert "train and eval" in repr(result) and ours.weight.dtype == torch.float64
    assert check.same_as_torch(F.mse_loss, F.mse_loss, torch.randn(4), torch.randn(4)).name == "mse_loss"


@pytest.mark.parametrize("wrong, message", [(ScaledBatchNorm, "train: output 0"), (LazyMomentum, "buffer running_mean")])
def test_same_as_torch_catches_outputs_and_buffers(wrong, message):
    torch.manual_seed(0)
    with pytest.raises(AssertionError, match=message):
        check.same_as_torch(wrong(3), nn.BatchNorm1d(3), torch.randn(6, 3))


def test_same_as_torch_catches_a_wrong_gradient():
    class WrongGradient(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.tanh()

        @staticmethod
        def backward(ctx, g):
            return g  # forgets the factor 1 − tanh²

    with pytest.raises(AssertionError, match="gradient of input 0"):
        check.same_as_torch(WrongGradient.apply, torch.tanh, torch.randn(5))


def test_same_as_torch_compares_parameter_names_and_bad_input():
    with pytest.raises(AssertionError, match="parameters"):
        check.same_as_torch(nn.utils.parametrizations.weight_norm(nn.Linear(2, 2)), nn.Linear(2, 2), torch.randn(3, 2),
                           copy_state=False)
    with pytest.raises(TypeError, match="module with a module"):
        check.same_as_torch(nn.Linear(2, 2), F.linear, torch.randn(3, 2))
    with pytest.raises(ValueError, match="modes"):
        check.same_as_torch(nn.Linear(2, 2), nn.Linear(2, 2), torch.randn(3, 2), modes=("test",))
    with pytest.raises(TypeError, match="input 0 must be a tensor"):
        check.same_as_torch(F.relu, F.relu, [1.0])
