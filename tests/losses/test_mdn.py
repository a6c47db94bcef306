"""The mixture density network's likelihood against torch.distributions, and its network and data."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.distributions import Categorical, MixtureSameFamily, Normal

import dlbook
from dlbook.losses import mdn

from helpers import generator

pytestmark = pytest.mark.usefixtures("one_thread")


def torch_mixture(logits, mu, sigma):
    return MixtureSameFamily(Categorical(logits=logits), Normal(mu, sigma))


def random_mixture(seed, n, k, spread=1.0):
    gen = generator(seed)
    logits = spread * torch.randn(n, k, generator=gen, dtype=torch.float64)
    mu = torch.randn(n, k, generator=gen, dtype=torch.float64)
    sigma = 0.05 + torch.rand(n, k, generator=gen, dtype=torch.float64)
    t = 2 * torch.randn(n, generator=gen, dtype=torch.float64)
    return logits, mu, sigma, t


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 6), k=st.integers(1, 5),
       spread=st.sampled_from([1.0, 50.0]), reduction=st.sampled_from(["mean", "sum", "none"]))
def test_mixture_nll_matches_torch_distributions_in_value_and_gradient(seed, n, k, spread, reduction):
    params = [p.requires_grad_() for p in random_mixture(seed, n, k, spread)[:3]]
    t = random_mixture(seed, n, k)[3]
    mine = mdn.mixture_nll(*params, t, reduction=reduction)
    per_sample = -torch_mixture(*params).log_prob(t)
    reference = {"mean": per_sample.mean(), "sum": per_sample.sum(), "none": per_sample}[reduction]
    torch.testing.assert_close(mine, reference)
    weights = torch.rand(reference.shape, dtype=torch.float64)
    for g, r in zip(torch.autograd.grad((mine * weights).sum(), params),
                    torch.autograd.grad((reference * weights).sum(), params)):
        torch.testing.assert_close(g, r)


def test_log_prob_far_in_the_tails_stays_finite():
    logits, mu, sigma = torch.zeros(1, 2), torch.tensor([[0.0, 1.0]]), torch.tensor([[0.01, 0.01]])
    t = torch.tensor([50.0])   # every component density underflows to 0 in float32
    assert torch.exp(Normal(mu, sigma).log_prob(t[:, None])).sum() == 0
    value = mdn.log_prob(logits, mu, sigma, t)
    torch.testing.assert_close(value, torch_mixture(logits.double(), mu.double(), sigma.double()).log_prob(t.double()).float())


def test_log_prob_on_a_grid_of_targets_per_input():
    logits, mu, sigma, _ = random_mixture(0, 3, 4)
    grid = torch.linspace(-2, 2, 7, dtype=torch.float64)
    values = mdn.log_prob(logits, mu, sigma, grid.expand(3, 7))
    assert values.shape == (3, 7)
    torch.testing.assert_close(values, torch_mixture(logits, mu, sigma).log_prob(grid[:, None]).T)


def test_responsibilities_are_the_component_posteriors():
    logits, mu, sigma, t = random_mixture(1, 5, 3)
    gamma = mdn.responsibilities(logits, mu, sigma, t)
    joint = torch.softmax(logits, 1) * Normal(mu, sigma).log_prob(t[:, None]).exp()
    torch.testing.assert_close(gamma, joint / joint.sum(1, keepdim=True))


def test_network_output_split_and_loss_with_fit():
    torch.manual_seed(0)
    X, y = dlbook.data.inverse_problem(200, seed=0)
    model = mdn.MDN(1, [16], n_components=3)
    out = model(X)
    assert out.shape == (200, 9)
    logits, mu, sigma = mdn.split_output(out)
    assert logits.shape == mu.shape == sigma.shape == (200, 3) and (sigma > 0).all()
    torch.testing.assert_close(mdn.mdn_loss(out, y), mdn.mixture_nll(logits, mu, sigma, y[:, 0]))
    history = dlbook.fit(model, (X, y), loss_fn=mdn.mdn_loss, optimizer=torch.optim.Adam(model.parameters(), 1e-2),
                         epochs=60, batch_size=200, device="cpu", progress=False)
    assert history["loss"][-1] < history["loss"][0] - 0.3


@pytest.mark.parametrize("call, message", [
    (lambda: mdn.mixture_nll(torch.zeros(2, 3), torch.zeros(2, 3), -torch.ones(2, 3), torch.zeros(2)), "sigma must be positive"),
    (lambda: mdn.mixture_nll(torch.zeros(2, 3), torch.zeros(2, 3), torch.zeros(2, 3), torch.zeros(2)), "sigma must be positive"),
    (lambda: mdn.mixture_nll(torch.zeros(2, 3), torch.zeros(2, 2), torch.ones(2, 3), torch.zeros(2)), r"must all be \(N, K\)"),
    (lambda: mdn.mixture_nll(torch.zeros(2, 3), torch.zeros(2, 3), torch.ones(2, 3), torch.zeros(3)), r"N = 2"),
    (lambda: mdn.mixture_nll(torch.zeros(2, 3), torch.zeros(2, 3), torch.ones(2, 3), torch.zeros(2, 2)), "one-dimensional"),
    (lambda: mdn.split_output(torch.zeros(4, 5)), r"\(N, 3K\)"),
    (lambda: mdn.MDN(1, [8], n_components=0), "n_components"),
    (lambda: mdn.responsibilities(torch.zeros(2, 3), torch.zeros(2, 3), torch.ones(2, 3), torch.zeros(3)), r"N = 2"),
])
def test_bad_input_gets_a_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("call", [
    lambda: mdn.mixture_nll(torch.zeros(2, 3), torch.zeros(2, 3), torch.ones(2, 3), [0.0, 1.0]),
    lambda: mdn.mixture_nll(torch.zeros(2, 3), torch.zeros(2, 3), torch.ones(2, 3), torch.tensor([0, 1])),
    lambda: mdn.log_prob(torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, 3), torch.ones(2, 3), torch.zeros(2)),
    lambda: mdn.responsibilities(torch.zeros(2, 3), torch.zeros(2, 3), torch.ones(2, 3), torch.tensor([0, 1])),
])
def test_wrong_types_get_a_type_error(call):
    with pytest.raises(TypeError, match="(?i)tensor"):
        call()
