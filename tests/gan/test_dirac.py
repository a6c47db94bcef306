import pytest
import torch

from dlbook import check
from dlbook.gan import dirac_equilibrium_eigenvalues, dirac_field, dirac_trajectory, dirac_value


@pytest.mark.parametrize("gamma", [0.0, 0.3, 2.0])
def test_field_is_the_gradient_of_the_value_and_penalty(gamma):
    for theta, psi in [(0.7, -0.4), (-1.2, 2.0), (0.0, 0.5)]:
        t = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
        p = torch.tensor(psi, dtype=torch.float64, requires_grad=True)
        V = dirac_value(t, p)
        d_theta, d_psi = torch.autograd.grad(V - gamma / 2 * p**2, (t, p))
        check.close(torch.tensor(dirac_field(theta, psi, gamma)), torch.stack([-d_theta, d_psi]), atol=1e-12)


@pytest.mark.parametrize("gamma", [0.0, 0.5, 3.0])
def test_eigenvalues_match_the_numerical_jacobian(gamma):
    field = lambda v: torch.stack([v[1] * torch.sigmoid(v[0] * v[1]), -v[0] * torch.sigmoid(v[0] * v[1]) - gamma * v[1]])
    J = torch.autograd.functional.jacobian(field, torch.zeros(2, dtype=torch.float64))
    numeric = torch.linalg.eigvals(J)
    expected = dirac_equilibrium_eigenvalues(gamma)
    key = lambda z: (round(z.real.item(), 9), round(z.imag.item(), 9))
    numeric, expected = torch.stack(sorted(numeric, key=key)), torch.stack(sorted(expected, key=key))
    check.close((numeric.real, numeric.imag), (expected.real, expected.imag), atol=1e-12)


def test_simultaneous_spirals_out_alternating_stays_r1_converges():
    r0 = 1.0
    sim = dirac_trajectory(1.0, 0.0, 300, lr_g=0.2, lr_d=0.2)
    alt = dirac_trajectory(1.0, 0.0, 300, lr_g=0.2, lr_d=0.2, mode="alternating")
    r1 = dirac_trajectory(1.0, 0.0, 300, lr_g=0.2, lr_d=0.2, mode="alternating", gamma=1.0)
    radius = lambda path: path.norm(dim=1)
    assert radius(sim)[-1] > 1.5 * r0
    assert 0.5 * r0 < radius(alt).min() and radius(alt).max() < 2 * r0
    assert radius(r1)[-1] < 0.05 * r0
    assert sim.shape == (301, 2) and sim.dtype == torch.float64


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="mode must be one of"):
        dirac_trajectory(1.0, 0.0, 10, mode="jacobi")
    with pytest.raises(ValueError, match="n_critic only applies"):
        dirac_trajectory(1.0, 0.0, 10, n_critic=3)
    with pytest.raises(ValueError, match="n_critic must be a positive int"):
        dirac_trajectory(1.0, 0.0, 10, mode="alternating", n_critic=0)
    with pytest.raises(ValueError, match="learning rates must be positive"):
        dirac_trajectory(1.0, 0.0, 10, lr_d=0.0)
    with pytest.raises(ValueError, match="steps must be"):
        dirac_trajectory(1.0, 0.0, -1)
    with pytest.raises(ValueError, match="gamma must be non-negative"):
        dirac_field(1.0, 0.0, gamma=-1.0)
    with pytest.raises(ValueError, match="gamma must be non-negative"):
        dirac_equilibrium_eigenvalues(-0.5)
