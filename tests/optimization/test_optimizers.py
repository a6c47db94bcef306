"""The from-scratch optimisers and clipping against torch.optim and torch.nn.utils, step by step."""
import copy

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from dlbook.optimization import optimizers as optim
from dlbook.optimization import parameter_path

from helpers import randn

pytestmark = pytest.mark.usefixtures("one_thread")

# (ours, torch's, hyper-parameters): every switch of every optimiser appears at least once
CASES = [
    (optim.SGD, torch.optim.SGD, dict(lr=0.05)),
    (optim.SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9, weight_decay=1e-2)),
    (optim.SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.5, dampening=0.3)),
    (optim.SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)),
    (optim.Adagrad, torch.optim.Adagrad, dict(lr=0.1)),
    (optim.Adagrad, torch.optim.Adagrad, dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.1, eps=1e-6)),
    (optim.RMSprop, torch.optim.RMSprop, dict(lr=0.01)),
    (optim.RMSprop, torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, momentum=0.9, weight_decay=0.1)),
    (optim.RMSprop, torch.optim.RMSprop, dict(lr=0.01, momentum=0.5, centered=True)),
    (optim.Adam, torch.optim.Adam, dict(lr=0.01)),
    (optim.Adam, torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    (optim.Adam, torch.optim.Adam, dict(lr=0.01, amsgrad=True)),
    (optim.AdamW, torch.optim.AdamW, dict(lr=0.01)),
    (optim.AdamW, torch.optim.AdamW, dict(lr=0.01, weight_decay=0.5, amsgrad=True)),
]
IDS = [f"{ours.__name__}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for ours, _, kw in CASES]


def random_model(dtype, seed=0):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Linear(8, 3)).to(dtype)
    return model, randn(32, 5, seed=seed + 1, dtype=dtype), randn(32, 3, seed=seed + 2, dtype=dtype)


@pytest.mark.parametrize("ours, theirs, kwargs", CASES, ids=IDS)
def test_same_trajectory_as_torch_over_100_steps(ours, theirs, kwargs):
    model, X, y = random_model(torch.float64)
    mine = parameter_path(lambda p: ours(p, **kwargs), model, X, y)
    reference = parameter_path(lambda p: theirs(p, **kwargs), model, X, y)
    assert not torch.equal(mine[-1], mine[0])  # the parameters did move
    torch.testing.assert_close(mine, reference, atol=1e-12, rtol=1e-10)


@pytest.mark.parametrize("ours, theirs, kwargs", CASES[::3], ids=IDS[::3])
def test_same_trajectory_in_float32(ours, theirs, kwargs):
    model, X, y = random_model(torch.float32, seed=1)
    mine = parameter_path(lambda p: ours(p, **kwargs), model, X, y, steps=50)
    reference = parameter_path(lambda p: theirs(p, **kwargs), model, X, y, steps=50)
    torch.testing.assert_close(mine, reference, atol=1e-5, rtol=1e-4)


@settings(max_examples=25, deadline=None)
@given(case=st.integers(0, len(CASES) - 1), shape=st.lists(st.integers(1, 4), min_size=1, max_size=3),
       lr_scale=st.floats(0.1, 3.0), seed=st.integers(0, 2**16))
def test_same_steps_as_torch_for_any_shape(case, shape, lr_scale, seed):
    ours, theirs, kwargs = CASES[case]
    kwargs = {**kwargs, "lr": kwargs["lr"] * lr_scale}
    start, target = randn(*shape, seed=seed), randn(*shape, seed=seed + 1)
    paths = []
    for cls in (ours, theirs):
        w = start.clone().requires_grad_(True)
        optimizer = cls([w], **kwargs)
        path = []
        for _ in range(10):
            optimizer.zero_grad()
            diff = w - target  # a smooth, lopsided bowl whose curvature is at most 1.25
            (nn.functional.softplus(diff) + 0.5 * diff ** 2).sum().backward()
            optimizer.step()
            path.append(w.detach().clone())
        paths.append(torch.stack(path))
    torch.testing.assert_close(paths[0], paths[1], atol=1e-12, rtol=1e-10)


def test_param_groups_state_and_closure():
    model, X, y = random_model(torch.float64)
    twin = copy.deepcopy(model)
    groups = lambda m: [{"params": m[0].parameters(), "lr": 0.1}, {"params": m[2].parameters()}]
    ours, theirs = optim.Adam(groups(model), lr=0.01), torch.optim.Adam(groups(twin), lr=0.01)
    for _ in range(5):
        for m, opt in ((model, ours), (twin, theirs)):
            def closure(m=m, opt=opt):
                opt.zero_grad()
                loss = ((m(X) - y) ** 2).mean()
                loss.backward()
                return loss
            loss = opt.step(closure)
            assert isinstance(loss, torch.Tensor)
    for p, q in zip(model.parameters(), twin.parameters()):
        torch.testing.assert_close(p, q, atol=1e-12, rtol=1e-10)
        torch.testing.assert_close(ours.state[p]["exp_avg_sq"], theirs.state[q]["exp_avg_sq"])
    assert ours.state_dict()["param_groups"][0]["lr"] == 0.1


def test_parameters_without_gradient_are_left_alone():
    used, unused = torch.ones(3, requires_grad=True), torch.ones(3, requires_grad=True)
    for cls in (optim.SGD, optim.Adagrad, optim.RMSprop, optim.Adam, optim.AdamW):
        opt = cls([used, unused], lr=0.1)
        opt.zero_grad()
        (used ** 2).sum().backward()
        opt.step()
        assert torch.equal(unused, torch.ones(3)) and len(opt.state[unused]) == 0


def test_adamw_differs_from_adam_with_l2_only_by_where_decay_enters():
    model, X, y = random_model(torch.float64)
    no_decay = parameter_path(lambda p: optim.Adam(p, lr=0.01), model, X, y, steps=20)
    adamw0 = parameter_path(lambda p: optim.AdamW(p, lr=0.01, weight_decay=0.0), model, X, y, steps=20)
    torch.testing.assert_close(no_decay, adamw0, atol=0, rtol=0)
    l2 = parameter_path(lambda p: optim.Adam(p, lr=0.01, weight_decay=0.5), model, X, y, steps=20)
    decoupled = parameter_path(lambda p: optim.AdamW(p, lr=0.01, weight_decay=0.5), model, X, y, steps=20)
    assert (l2 - decoupled).abs().max() > 1e-4


@pytest.mark.parametrize("make, message", [
    (lambda p: optim.SGD(p, lr=-0.1), "lr must be a number >= 0"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=-0.5), "momentum must lie in \\[0, 1\\)"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=1.0), "momentum must lie in \\[0, 1\\)"),
    (lambda p: optim.SGD(p, lr=0.1, weight_decay=-1e-4), "weight_decay must be a number >= 0"),
    (lambda p: optim.SGD(p, lr=0.1, nesterov=True), "nesterov=True needs momentum > 0"),
    (lambda p: optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "dampening = 0"),
    (lambda p: optim.Adagrad(p, lr=-1.0), "lr must be"),
    (lambda p: optim.Adagrad(p, eps=-1e-10), "eps must be a number >= 0"),
    (lambda p: optim.Adagrad(p, lr_decay=-0.1), "lr_decay must be"),
    (lambda p: optim.Adagrad(p, initial_accumulator_value=-1.0), "initial_accumulator_value must be"),
    (lambda p: optim.RMSprop(p, alpha=1.0), "alpha must lie in \\[0, 1\\)"),
    (lambda p: optim.RMSprop(p, eps=-1.0), "eps must be"),
    (lambda p: optim.RMSprop(p, momentum=-0.1), "momentum must lie"),
    (lambda p: optim.Adam(p, lr=-1e-3), "lr must be a number >= 0"),
    (lambda p: optim.Adam(p, betas=(1.0, 0.999)), "betas\\[0\\] must lie in \\[0, 1\\)"),
    (lambda p: optim.Adam(p, betas=(0.9, -0.1)), "betas\\[1\\] must lie in \\[0, 1\\)"),
    (lambda p: optim.Adam(p, betas=(0.9,)), "betas must be a pair"),
    (lambda p: optim.Adam(p, eps=-1e-8), "eps must be a number >= 0"),
    (lambda p: optim.AdamW(p, weight_decay=-0.01), "weight_decay must be a number >= 0"),
    (lambda p: optim.AdamW(p, lr="0.1"), "lr must be a number"),
])
def test_bad_hyper_parameters_raise_clear_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make([torch.zeros(2, requires_grad=True)])


def test_gradient_norm_matches_torch():
    model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
    assert float(optim.gradient_norm(model.parameters())) == 0.0  # no gradients yet
    model(torch.randn(16, 3)).pow(2).mean().backward()
    expected = torch.nn.utils.get_total_norm([p.grad for p in model.parameters()])
    assert float(optim.gradient_norm(model.parameters())) == pytest.approx(float(expected), rel=1e-6)


def test_clip_grad_norm_matches_torch_and_the_formula():
    model, X, y = random_model(torch.float64)
    twin = copy.deepcopy(model)
    for m in (model, twin):
        (100 * ((m(X) - y) ** 2).mean()).backward()
    norm = torch.cat([p.grad.reshape(-1) for p in model.parameters()]).norm()
    before = [p.grad.clone() for p in model.parameters()]
    ours = optim.clip_grad_norm_(model.parameters(), max_norm=1.0)
    theirs = nn.utils.clip_grad_norm_(twin.parameters(), max_norm=1.0)
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(ours, norm)
    for p, q, g in zip(model.parameters(), twin.parameters(), before):
        torch.testing.assert_close(p.grad, q.grad)
        torch.testing.assert_close(p.grad, g * min(1.0, 1.0 / (float(norm) + 1e-6)))
    clipped = torch.cat([p.grad.reshape(-1) for p in model.parameters()]).norm()
    assert clipped == pytest.approx(1.0, rel=1e-5)


def test_clip_leaves_small_gradients_unchanged_and_checks_max_norm():
    w = torch.ones(4, requires_grad=True)
    w.grad = torch.full((4,), 0.1)
    assert float(optim.clip_grad_norm_(w, max_norm=5.0)) == pytest.approx(0.2)
    assert torch.equal(w.grad, torch.full((4,), 0.1))
    with pytest.raises(ValueError, match="max_norm must be a positive number"):
        optim.clip_grad_norm_(w, max_norm=0.0)
