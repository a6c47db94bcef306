import math

import pytest
import torch
from hypothesis import given, settings

from dlbook import flows
from flows.strategies import autograd_log_det, batch_and_dim, randomize_
from helpers import assert_close, randn


def test_standard_normal_log_prob_against_torch():
    z = randn(6, 3, seed=0)
    expected = torch.distributions.Normal(0.0, 1.0).log_prob(z).sum(1)
    assert_close(flows.standard_normal_log_prob(z), expected)
    with pytest.raises(ValueError, match=r"shape \(N, D\)"):
        flows.standard_normal_log_prob(torch.zeros(3))


def test_affine_flow_has_the_gaussian_closed_form():
    # z = (x + b)·exp(s) ⇒ x ~ N(−b, exp(−2s)) per feature
    flow = flows.Flow([flows.ActNorm(3)]).double().eval()
    with torch.no_grad():
        flow.layers[0].bias.copy_(torch.tensor([0.5, -1.0, 2.0]))
        flow.layers[0].log_scale.copy_(torch.tensor([0.3, -0.2, 1.0]))
    x = randn(5, 3, seed=1)
    reference = torch.distributions.Normal(-flow.layers[0].bias, torch.exp(-flow.layers[0].log_scale))
    assert_close(flow.log_prob(x), reference.log_prob(x).sum(1).detach())


@settings(max_examples=10, deadline=None)
@given(batch_and_dim)
def test_composition_log_dets_add_and_inverse(shape):
    n, dim = shape
    flow = randomize_(flows.realnvp(dim, couplings=3, hidden=6, linear=True, actnorm=False).double(), std=0.3)
    x = randn(n, dim, seed=2)
    z, log_det = flow(x)
    assert_close(log_det, autograd_log_det(flow, x), atol=1e-9)
    assert_close(flow.inverse(z), x, atol=1e-9)
    steps = flow.trajectory(x)
    assert len(steps) == len(flow.layers) + 1 and torch.equal(steps[0], x)
    assert_close(steps[-1], z)
    assert_close(flow.log_prob(x), flows.standard_normal_log_prob(z) + log_det)


def test_sample_and_temperature():
    flow = flows.Flow([flows.DiagonalScaling(2)])
    with torch.no_grad():
        flow.layers[0].log_scale.fill_(math.log(0.5))  # z = x/2 ⇒ x = 2z
    gen = torch.Generator().manual_seed(0)
    x = flow.sample(20000, generator=gen)
    assert x.shape == (20000, 2) and abs(float(x.std()) - 2.0) < 0.05
    cold = flow.sample(20000, temperature=0.5, generator=torch.Generator().manual_seed(0))
    assert abs(float(cold.std()) - 1.0) < 0.03
    assert torch.equal(flow.sample(3, generator=torch.Generator().manual_seed(1)),
                       flow.sample(3, generator=torch.Generator().manual_seed(1)))
    assert flow.double().sample(2).dtype == torch.float64


def test_bad_input():
    with pytest.raises(ValueError, match="at least one layer"):
        flows.Flow([])
    with pytest.raises(TypeError, match="not an invertible"):
        flows.Flow([torch.nn.Linear(2, 2)])
    with pytest.raises(ValueError, match="same .dim"):
        flows.Flow([flows.ActNorm(2), flows.ActNorm(3)])
    flow = flows.Flow([flows.ActNorm(2)])
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        flow.log_prob(torch.zeros(4, 3))
    with pytest.raises(ValueError, match="z must have shape"):
        flow.inverse(torch.zeros(4))
    with pytest.raises(ValueError, match="n must be a positive int"):
        flow.sample(0)
    for bad in (0.0, -1.0, float("inf"), "hot"):
        with pytest.raises(ValueError, match="temperature must be a positive finite number"):
            flow.sample(2, temperature=bad)
