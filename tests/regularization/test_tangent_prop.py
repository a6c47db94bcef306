"""Tangent propagation: the tangents, the penalty by forward mode, and training it with dlbook.fit."""
import pytest
import torch
from torch import nn
from torch.nn import functional as F

import dlbook
from dlbook import regularization as reg

from helpers import generator as gen


pytestmark = pytest.mark.usefixtures("one_thread")


def images(n=6, h=5, w=7, seed=0):
    return torch.rand((n, h, w), generator=gen(seed), dtype=torch.float64)


def small_net(seed=0, pixels=35, classes=3):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(pixels, 8), nn.Tanh(), nn.Linear(8, classes)).double()


# ------------------------------------------------------------------ tangents and the penalty

def test_shift_tangent_is_the_central_difference_of_translation():
    ramp = torch.arange(7, dtype=torch.float64).repeat(2, 3, 1)   # value = column index
    t = reg.shift_tangent(ramp)
    assert (t[..., 1:-1] == -1).all()                    # moving right by s lowers each pixel by s
    x = images()
    torch.testing.assert_close(reg.shift_tangent(x), (reg.translate(x, 1) - reg.translate(x, -1)) / 2)


def test_tangent_penalty_is_the_squared_directional_derivative():
    model = small_net()
    x, tangents = images(n=4), images(n=4, seed=1) - 0.5
    penalty = reg.tangent_penalty(model, x, tangents)
    expected = 0.0
    for xi, ti in zip(x, tangents):                      # the full Jacobian, one image at a time
        J = torch.autograd.functional.jacobian(lambda v: model(v[None])[0], xi)     # (3, 5, 7)
        expected += (J.reshape(3, -1) @ ti.reshape(-1)).pow(2).sum() / len(x)
    torch.testing.assert_close(penalty, expected)
    # differentiable in the parameters: compare with autograd through the explicit Jacobian
    params = list(model.parameters())
    grads = torch.autograd.grad(penalty, params, allow_unused=True, materialize_grads=True)
    def explicit(*ps):
        fn = lambda v: torch.func.functional_call(model, dict(zip([n for n, _ in model.named_parameters()], ps)), (v,))
        _, jv = torch.autograd.functional.jvp(fn, x, tangents, create_graph=True)
        return jv.pow(2).sum() / len(x)
    expected_grads = torch.autograd.grad(explicit(*params), params, allow_unused=True, materialize_grads=True)
    for g, e in zip(grads, expected_grads):
        torch.testing.assert_close(g, e)
    assert grads[0].abs().sum() > 0 and (grads[-1] == 0).all()   # the output bias cannot move J t
    with pytest.raises(ValueError, match="same shape"):
        reg.tangent_penalty(model, x, tangents[:2])


def test_a_linear_model_penalty_is_the_norm_of_w_times_t():
    model = nn.Linear(5, 2, bias=True).double()
    x, t = torch.randn(3, 5, dtype=torch.float64), torch.randn(3, 5, dtype=torch.float64)
    expected = (t @ model.weight.detach().T).pow(2).sum(1).mean()
    torch.testing.assert_close(reg.tangent_penalty(model, x, t), expected)
    torch.testing.assert_close(reg.directional_derivative(model, x, t), t @ model.weight.detach().T)


# ------------------------------------------------------------------ TangentProp and its loss

def test_tangent_prop_returns_the_output_and_one_derivative_per_tangent():
    model = small_net()
    x, t1, t2 = images(n=4), images(n=4, seed=1) - 0.5, reg.shift_tangent(images(n=4))
    logits, directional = reg.TangentProp(model)(x, t1, t2)
    assert torch.equal(logits, model(x))
    assert directional.shape == (4, 2, 3)                # (N, K, classes)
    torch.testing.assert_close(directional[:, 0], reg.directional_derivative(model, x, t1))
    torch.testing.assert_close(directional[:, 1], reg.directional_derivative(model, x, t2))
    with pytest.raises(TypeError, match="at least one tangent"):
        reg.TangentProp(model)(x)
    with pytest.raises(ValueError, match="same shape"):
        reg.TangentProp(model)(x, t1[:, :3])


def test_tangent_prop_loss_is_cross_entropy_plus_the_weighted_penalties():
    model = small_net()
    x, y = images(n=5), torch.tensor([0, 2, 1, 1, 0])
    tangents = [images(n=5, seed=1) - 0.5, reg.shift_tangent(x)]
    loss = reg.TangentPropLoss(0.3)(reg.TangentProp(model)(x, *tangents), y)
    expected = F.cross_entropy(model(x), y) + 0.3 * sum(reg.tangent_penalty(model, x, t) for t in tangents)
    torch.testing.assert_close(loss, expected)
    assert torch.equal(reg.TangentPropLoss(0.0)(reg.TangentProp(model)(x, *tangents), y), F.cross_entropy(model(x), y))
    assert repr(reg.TangentPropLoss(0.3)) == "TangentPropLoss(weight=0.3)"
    for weight in (-1.0, float("nan")):
        with pytest.raises(ValueError, match="weight must be non-negative"):
            reg.TangentPropLoss(weight)


def shifted_images_problem():
    x = images(n=60, h=6, w=6, seed=5).float()
    y = torch.randint(0, 3, (60,), generator=gen(6))
    return x, reg.shift_tangent(x), y


def train(model, data, loss_fn, epochs=30):
    return dlbook.fit(model, data, loss_fn=loss_fn, optimizer=torch.optim.Adam(model.parameters(), lr=1e-2),
                      epochs=epochs, batch_size=16, device="cpu", seed=3, progress=False)


def test_fit_with_tangent_prop_lowers_the_penalty():
    x, t, y = shifted_images_problem()
    plain, tangent = small_net(1, pixels=36).float(), small_net(1, pixels=36).float()
    plain_history = train(reg.TangentProp(plain), (x, t, y), reg.TangentPropLoss(0.0))
    history = train(reg.TangentProp(tangent), (x, t, y), reg.TangentPropLoss(1.0))
    assert history["loss"][-1] < history["loss"][0] and plain_history["loss"][-1] < plain_history["loss"][0]
    assert reg.tangent_penalty(tangent, x, t) < 0.5 * reg.tangent_penalty(plain, x, t)
    scores = dlbook.evaluate(tangent, (x, y), metrics={"accuracy": dlbook.accuracy})  # the bare model, as usual
    assert 0 <= scores["accuracy"] <= 1


def test_weight_zero_is_exactly_the_plain_cross_entropy_run():
    x, t, y = shifted_images_problem()
    plain, wrapped = small_net(1, pixels=36).float(), small_net(1, pixels=36).float()
    plain_history = train(plain, (x, y), F.cross_entropy, epochs=5)
    history = train(reg.TangentProp(wrapped), (x, t, y), reg.TangentPropLoss(0.0), epochs=5)
    assert history["loss"] == plain_history["loss"]
    for a, b in zip(plain.parameters(), wrapped.parameters(), strict=True):
        assert torch.equal(a, b)
