import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from dlbook import check
from dlbook.gan import clip_weights_, gradient_penalty, r1_penalty


def linear_critic(w: torch.Tensor, b: float = 0.3):
    return lambda x: x.flatten(1) @ w + b


@settings(max_examples=20, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), n=st.integers(1, 6), seed=st.integers(0, 99),
       lam=st.floats(0.0, 20.0))
def test_linear_critic_penalty_and_its_gradient_in_closed_form(shape, n, seed, lam):
    gen = torch.Generator().manual_seed(seed)
    d = int(torch.tensor(shape).prod())
    w = torch.randn(d, dtype=torch.float64, generator=gen, requires_grad=True)
    real = torch.randn(n, *shape, dtype=torch.float64, generator=gen)
    fake = torch.randn(n, *shape, dtype=torch.float64, generator=gen)
    penalty = gradient_penalty(linear_critic(w), real, fake, lam)
    norm = w.detach().norm()
    check.close(penalty, lam * (norm - 1) ** 2, atol=1e-9)  # ∇ₓ(w·x) = w at every interpolate
    (grad,) = torch.autograd.grad(penalty, w)
    check.close(grad, 2 * lam * (norm - 1) * w.detach() / norm, atol=1e-9)


def test_penalty_gradient_on_an_mlp_matches_finite_differences():
    torch.manual_seed(0)
    critic = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1)).double()
    real, fake = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 3, dtype=torch.float64)
    weight = critic[0].weight

    def penalty_of(W):
        f = lambda x: torch.tanh(x @ W.T + critic[0].bias) @ critic[2].weight.T + critic[2].bias
        return gradient_penalty(f, real, fake, 10.0, torch.Generator().manual_seed(1))

    penalty_of(weight).backward()  # through the module's own parameter: create_graph made this possible
    (numeric,) = check.finite_differences(lambda W: penalty_of(W).detach(), weight.detach())
    check.close(weight.grad, numeric, atol=1e-6, rtol=1e-5)


def test_interpolates_lie_between_real_and_fake():
    seen = []
    critic = lambda x: (seen.append(x.detach()), x.sum(1))[1]
    real, fake = torch.zeros(1000, 2), torch.ones(1000, 2)
    gradient_penalty(critic, real, fake, generator=torch.Generator().manual_seed(0))
    eps = seen[0][:, 0]
    assert torch.equal(seen[0][:, 0], seen[0][:, 1]) and 0 <= eps.min() and eps.max() <= 1
    assert abs(float(eps.mean()) - 0.5) < 0.05


def test_r1_penalty_of_a_linear_discriminator():
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    check.close(r1_penalty(linear_critic(w), torch.randn(7, 2), gamma=2.0), 25.0)


def test_clip_weights_clamps_every_parameter():
    net = nn.Linear(4, 3)
    nn.init.normal_(net.weight, std=5.0)
    clip_weights_(net, 0.01)
    assert all(p.abs().max() <= 0.01 for p in net.parameters())


def test_bad_input_names_the_problem():
    critic = nn.Linear(2, 1)
    with pytest.raises(ValueError, match="same shape"):
        gradient_penalty(critic, torch.randn(4, 2), torch.randn(3, 2))
    with pytest.raises(ValueError, match="lam must be non-negative"):
        gradient_penalty(critic, torch.randn(4, 2), torch.randn(4, 2), lam=-1.0)
    with pytest.raises(ValueError, match="one score per sample"):
        gradient_penalty(nn.Linear(2, 3), torch.randn(4, 2), torch.randn(4, 2))
    with pytest.raises(TypeError, match="floating-point"):
        gradient_penalty(critic, torch.ones(4, 2, dtype=torch.int64), torch.ones(4, 2, dtype=torch.int64))
    with pytest.raises(ValueError, match="at least 2 axes"):
        r1_penalty(critic, torch.randn(4))
    with pytest.raises(TypeError, match="module or function"):
        gradient_penalty(3, torch.randn(4, 2), torch.randn(4, 2))
    with pytest.raises(ValueError, match="gamma must be non-negative"):
        r1_penalty(critic, torch.randn(4, 2), gamma=-1.0)
    with pytest.raises(ValueError, match="clip_value must be positive"):
        clip_weights_(critic, 0.0)
