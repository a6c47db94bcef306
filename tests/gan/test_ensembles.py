import copy

import pytest
import torch
from torch import nn

from dlbook import check
from dlbook.gan.ensembles import GroupedLinear, PerMemberSpectralNorm, grouped_mlp
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
    expected = torch.cat([lin(xs[6 * m:6 * (m + 1)]) for m, lin in enumerate(singles)])
    check.close(out, expected, atol=1e-12)
    out.pow(2).sum().backward()
    expected.pow(2).sum().backward()
    check.close(x.grad, xs.grad, atol=1e-12)
    for m, lin in enumerate(singles):
        check.close((layer.weight.grad[m], layer.bias.grad[m]), (lin.weight.grad, lin.bias.grad), atol=1e-12)


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
            sn = g.parametrizations.weight[0].norms[m]
            net[k].parametrizations.weight[0]._u.copy_(sn._u), net[k].parametrizations.weight[0]._v.copy_(sn._v)
        singles.append(net)
    x = torch.randn(2 * 5, 3)
    for mode in ("train", "eval"):
        grouped.train(mode == "train"), [s.train(mode == "train") for s in singles]
        check.close(grouped(x), torch.cat([s(x[5 * m:5 * (m + 1)]) for m, s in enumerate(singles)]), atol=1e-5)
    sigmas = torch.linalg.matrix_norm(grouped[0].weight.detach(), ord=2)
    check.close(sigmas, torch.ones(2), atol=0.05)


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
