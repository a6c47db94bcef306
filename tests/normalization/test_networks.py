"""Networks built with a chosen normalisation, and the probes that measure what normalisation does."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from dlbook import normalization as N
from dlbook import normalization as normnets

from helpers import randn, assert_close


pytestmark = pytest.mark.usefixtures("one_thread")


# ------------------------------------------------------------------ deep_mlp and norm_layer

@pytest.mark.parametrize("norm, cls", [("none", nn.Identity), ("batch", N.BatchNorm1d), ("layer", N.LayerNorm),
                                       ("group", N.GroupNorm)])
def test_deep_mlp_stacks_linear_norm_relu_blocks(norm, cls):
    model = normnets.deep_mlp(norm, depth=3, in_features=5, width=8, out_features=4, groups=2)
    kinds = [type(m) for m in model]
    assert kinds == [nn.Linear, cls, nn.ReLU] * 3 + [nn.Linear]
    assert model(randn(6, 5, dtype=torch.float32)).shape == (6, 4)
    if norm == "group":
        assert model[1].num_groups == 2


def test_deep_mlp_is_he_initialised():
    torch.manual_seed(0)
    model = normnets.deep_mlp(depth=2, in_features=400, width=500)
    for linear in (model[0], model[3]):
        assert torch.equal(linear.bias, torch.zeros_like(linear.bias))
        expected = (2 / linear.in_features) ** 0.5  # Var = 2 / fan-in
        assert abs(float(linear.weight.detach().std()) / expected - 1) < 0.02


def test_deep_mlp_errors():
    with pytest.raises(ValueError, match=r"norm must be one of \('none', 'batch', 'layer', 'group'\), got 'instance'"):
        normnets.deep_mlp("instance")
    with pytest.raises(ValueError, match="depth must be a positive int, got 0"):
        normnets.deep_mlp(depth=0)
    with pytest.raises(ValueError, match=r"num_channels \(10\) must be divisible by num_groups \(4\)"):
        normnets.deep_mlp("group", width=10, groups=4)


# ------------------------------------------------------------------ QuestionNet

def question_net(conditional, seed=0):
    torch.manual_seed(seed)
    net = normnets.QuestionNet(in_features=5, num_questions=3, width=6, conditional=conditional).double()
    if conditional:
        with torch.no_grad():
            for norm in net.norms:
                norm.gamma.weight.normal_()
                norm.beta.weight.normal_()
    return net


def test_question_net_with_one_question_is_a_batch_norm_mlp():
    net, x = question_net(True), randn(7, 5)
    c = 2
    h = x
    for linear, norm in zip(net.linears, net.norms):
        plain = nn.BatchNorm1d(6).double()
        with torch.no_grad():
            plain.weight.copy_(norm.gamma.weight[c]), plain.bias.copy_(norm.beta.weight[c])
        h = torch.relu(plain(linear(h)))
    expected = net.out(h).squeeze(1)
    assert_close(net(net.ask(x, torch.full((7,), c))), expected)


def test_only_the_conditional_net_hears_the_question():
    x = randn(8, 5)
    for conditional in (True, False):
        net = question_net(conditional).eval()  # evaluation: each row's answer depends on that row alone
        answers = [net(net.ask(x, torch.full((8,), q))) for q in range(3)]
        same = torch.allclose(answers[0], answers[1]) and torch.allclose(answers[1], answers[2])
        assert same != conditional


def test_question_net_errors():
    net = question_net(True)
    with pytest.raises(ValueError, match=r"expected inputs of shape \(N, 5 \+ 1\)"):
        net(randn(4, 5))
    with pytest.raises(ValueError, match=r"question indices in \[0, 3\)"):
        net(net.ask(randn(4, 5), torch.tensor([0, 1, 2, 3])))
    with pytest.raises(ValueError, match="question indices"):
        net(torch.cat([randn(4, 5), torch.full((4, 1), 0.5, dtype=torch.float64)], 1))
    with pytest.raises(ValueError, match="one question per row"):
        net.ask(randn(4, 5), torch.tensor([0, 1]))


def test_answers_are_the_four_questions_about_each_digit():
    expected = {  # digit: (even, ≥ 5, divisible by 3, in {0, 6, 8, 9})
        0: (1, 0, 1, 1), 1: (0, 0, 0, 0), 2: (1, 0, 0, 0), 3: (0, 0, 1, 0), 4: (1, 0, 0, 0),
        5: (0, 1, 0, 0), 6: (1, 1, 1, 1), 7: (0, 1, 0, 0), 8: (1, 1, 0, 1), 9: (0, 1, 1, 1),
    }
    got = normnets.answers(torch.arange(10))
    assert got.dtype == torch.bool and got.shape == (10, len(normnets.QUESTIONS))
    assert got.tolist() == [[bool(a) for a in expected[d]] for d in range(10)]


def test_with_questions_asks_every_image_every_question():
    images, digits = randn(5, 3), torch.tensor([0, 3, 5, 8, 1])
    inputs, targets = normnets.with_questions(images, digits)
    assert inputs.shape == (20, 4) and targets.shape == (20,) and targets.dtype == images.dtype
    for q in range(4):
        rows = slice(5 * q, 5 * q + 5)  # row q·N + i asks question q about image i
        assert torch.equal(inputs[rows, :3], images)
        assert torch.equal(inputs[rows, 3], torch.full((5,), float(q), dtype=images.dtype))
        assert torch.equal(targets[rows], normnets.answers(digits)[:, q].to(images.dtype))
    net = normnets.QuestionNet(in_features=3, num_questions=4, width=6).double()
    assert net(inputs).shape == (20,)  # a data set QuestionNet reads


def test_question_data_errors():
    with pytest.raises(ValueError, match="integer tensor of values 0–9"):
        normnets.answers(torch.tensor([3, 10]))
    with pytest.raises(ValueError, match="integer tensor of values 0–9"):
        normnets.answers(torch.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="one digit per image"):
        normnets.with_questions(randn(4, 3), torch.tensor([1, 2]))


# ------------------------------------------------------------------ probes

def test_shares_statistics_finds_each_norms_axes():
    shape, (n, c) = (3, 4, 5), (1, 2)
    channel = torch.arange(4).view(1, 4, 1).expand(shape)
    sample = torch.arange(3).view(3, 1, 1).expand(shape)
    expected = {
        N.batch_norm: channel == c,
        N.layer_norm: sample == n,
        N.instance_norm: (sample == n) & (channel == c),
        (lambda x: N.group_norm(x, 2)): (sample == n) & (channel // 2 == c // 2),
    }
    for norm, mask in expected.items():
        assert torch.equal(normnets.shares_statistics(norm, shape, (n, c, 3)), mask)
    with pytest.raises(ValueError, match="must pick one output"):
        normnets.shares_statistics(N.batch_norm, shape, (0, 1))








