import copy

import pytest
import torch
from torch import nn

from dlbook import check
from dlbook.gan.ensembles import GroupedLinear, grouped_mlp
from dlbook.normalization import spectral_norm


def test_grouped_linear_is_one_linear_per_block_of_rows():
    torch.manual_seed(0)
    layer = GroupedLinear(3, 4, 5).double()
    x = torch.randn(3 * 6, 4, dtype=torch.float64, requires_grad=True)
    out = layer(x)
    singles = []
    for m in range(3):
        lin = nn.Linear(4, 5).double()
        with torch.no_grad():
            lin.weight.copy_(layer.weight[m]), lin.bias.copy_(layer.bias[m])
        singles.append(lin)
    xs = x.detach().clone().requires_grad_(True)
    parts = [lin(xs[6 * m:6 * (m + 1)]) for m, lin in enumerate(singles)]
    check.close(out, torch.cat(parts), atol=1e-12)
    out.pow(2).mean().backward()  # one mean over all members' rows, as the training losses are
    for part in parts:
        part.pow(2).mean().backward()  # each member alone: the mean over its own rows
    check.close(x.grad * 3, xs.grad, atol=1e-12)  # the input's gradient is the mean's: 1/members of each alone
    for m, lin in enumerate(singles):  # the parameters' gradients are each member's own
        check.close((layer.weight.grad[m], layer.bias.grad[m]), (lin.weight.grad, lin.bias.grad), atol=1e-12)


def test_grouped_training_steps_equal_each_member_trained_alone():
    """Adam with its eps: a step of the grouped layer under the batch mean equals each member's own step."""
    torch.manual_seed(3)
    layer = GroupedLinear(4, 2, 1).double()
    singles = [nn.Linear(2, 1).double() for _ in range(4)]
    with torch.no_grad():
        for m, lin in enumerate(singles):
            lin.weight.copy_(layer.weight[m]), lin.bias.copy_(layer.bias[m])
    x = torch.randn(4 * 5, 2, dtype=torch.float64) * 1e-6  # tiny gradients, where eps matters
    grouped_opt = torch.optim.Adam(layer.parameters(), lr=0.1)
    single_opts = [torch.optim.Adam(lin.parameters(), lr=0.1) for lin in singles]
    for _ in range(3):
        grouped_opt.zero_grad(), layer(x).mean().backward(), grouped_opt.step()
        for m, (lin, opt) in enumerate(zip(singles, single_opts)):
            opt.zero_grad(), lin(x[5 * m:5 * (m + 1)]).mean().backward(), opt.step()
    for m, lin in enumerate(singles):
        check.close((layer.weight[m], layer.bias[m]), (lin.weight, lin.bias), atol=1e-12)


def test_the_gradient_scaling_is_twice_differentiable():
    """The gradient penalty differentiates a gradient: the grouped critic's second derivatives are each member's."""
    torch.manual_seed(4)
    net = grouped_mlp(2, 2, 5, 1, 1).double()
    x = torch.randn(2 * 3, 2, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(net(x).sum(), x, create_graph=True)
    g.pow(2).sum(1).mean().backward()
    singles = []
    for m in range(2):
        single = nn.Sequential(nn.Linear(2, 5), nn.ReLU(), nn.Linear(5, 1)).double()
        with torch.no_grad():
            for k in (0, 2):
                single[k].weight.copy_(net[k].weight[m]), single[k].bias.copy_(net[k].bias[m])
        xm = x.detach()[3 * m:3 * (m + 1)].clone().requires_grad_(True)
        (gm,) = torch.autograd.grad(single(xm).sum(), xm, create_graph=True)
        gm.pow(2).sum(1).mean().backward()
        check.close(net[0].weight.grad[m], single[0].weight.grad, atol=1e-12)


def test_per_member_spectral_norm_equals_chapter_7_on_each_member():
    torch.manual_seed(1)
    grouped = grouped_mlp(2, 3, 6, 1, 1, spectral=True)
    singles = []
    for m in range(2):
        net = nn.Sequential(nn.Linear(3, 6), nn.ReLU(), nn.Linear(6, 1))
        for k, i in ((0, 0), (2, 2)):
            g = grouped[i]
            with torch.no_grad():
                net[k].weight.copy_(g.parametrizations.weight.original[m]), net[k].bias.copy_(g.bias[m])
            spectral_norm(net[k])
            sn = g.parametrizations.weight[0]
            net[k].parametrizations.weight[0]._u.copy_(sn._u[m]), net[k].parametrizations.weight[0]._v.copy_(sn._v[m])
        singles.append(net)
    x = torch.randn(2 * 5, 3)
    for mode in ("train", "eval"):
        grouped.train(mode == "train"), [s.train(mode == "train") for s in singles]
        check.close(grouped(x), torch.cat([s(x[5 * m:5 * (m + 1)]) for m, s in enumerate(singles)]), atol=1e-5)
    sigmas = torch.linalg.matrix_norm(grouped[0].weight.detach(), ord=2)
    check.close(sigmas, torch.ones(2), atol=0.05)
    for k, i in ((0, 0), (2, 2)):  # the buffers moved as chapter 7's did in training mode
        for m in range(2):
            ours, theirs = grouped[i].parametrizations.weight[0], singles[m][k].parametrizations.weight[0]
            check.close((ours._u[m], ours._v[m]), (theirs._u, theirs._v), atol=1e-6)


def test_members_train_independently():
    torch.manual_seed(2)
    net = grouped_mlp(3, 2, 8, 2, 1)
    x = torch.randn(12, 2)
    net(x)[4:8].sum().backward()  # only member 1's rows
    for layer in (net[0], net[2], net[4]):
        assert layer.weight.grad[0].abs().sum() == 0 and layer.weight.grad[2].abs().sum() == 0
        assert layer.weight.grad[1].abs().sum() > 0


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="members=3"):
        GroupedLinear(3, 2, 2)(torch.randn(4, 2))
    with pytest.raises(ValueError, match=r"\(members·B, 2\)"):
        GroupedLinear(2, 2, 2)(torch.randn(4, 3))
