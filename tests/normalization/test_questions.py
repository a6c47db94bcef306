"""QuestionNet: a network steered by conditional batch norm, its two inputs, and the question data set."""
import pytest
import torch
from torch import nn
from torch.nn import functional as F

import dlbook
from dlbook import normalization as normnets

from helpers import randn, assert_close


pytestmark = pytest.mark.usefixtures("one_thread")


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
    assert_close(net(x, torch.full((7,), c)), expected)


def test_only_the_conditional_net_hears_the_question():
    x = randn(8, 5)
    for conditional in (True, False):
        net = question_net(conditional).eval()  # evaluation: each row's answer depends on that row alone
        answers = [net(x, torch.full((8,), q)) for q in range(3)]
        same = torch.allclose(answers[0], answers[1]) and torch.allclose(answers[1], answers[2])
        assert same != conditional


def test_question_net_errors():
    net = question_net(True)
    questions = torch.tensor([0, 1, 2, 0])
    with pytest.raises(ValueError, match=r"expected features of shape \(N, 5\), got \(4, 6\)"):
        net(randn(4, 6), questions)
    with pytest.raises(ValueError, match=r"expected features of shape \(N, 5\), got \(4,\)"):
        net(randn(4), questions)
    with pytest.raises(ValueError, match=r"question indices must lie in \[0, 3\), got 0..3"):
        net(randn(4, 5), torch.tensor([0, 1, 2, 3]))
    with pytest.raises(ValueError, match=r"question indices must lie in \[0, 3\), got -1..2"):
        net(randn(4, 5), torch.tensor([0, -1, 2, 0]))
    with pytest.raises(TypeError, match="integer tensor of question indices, got torch.float64"):
        net(randn(4, 5), questions.double())
    with pytest.raises(TypeError, match="integer tensor of question indices, got torch.bool"):
        net(randn(4, 5), questions > 0)
    with pytest.raises(ValueError, match=r"one question per row: features \(4, 5\), questions \(2,\)"):
        net(randn(4, 5), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="one question per row"):
        net(randn(4, 5), questions[:, None])


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
    inputs, questions, targets = normnets.with_questions(images, digits)
    assert inputs.shape == (20, 3) and questions.shape == (20,) and targets.shape == (20,)
    assert questions.dtype == torch.int64 and targets.dtype == images.dtype
    for q in range(4):
        rows = slice(5 * q, 5 * q + 5)  # row q·N + i asks question q about image i
        assert torch.equal(inputs[rows], images)
        assert torch.equal(questions[rows], torch.full((5,), q))
        assert torch.equal(targets[rows], normnets.answers(digits)[:, q].to(images.dtype))
    net = normnets.QuestionNet(in_features=3, num_questions=4, width=6).double()
    assert net(inputs, questions).shape == (20,)  # a data set QuestionNet reads


def test_fit_trains_a_question_net_on_with_questions_directly():
    gen = torch.Generator().manual_seed(0)
    images, digits = torch.randn(40, 6, generator=gen), torch.randint(0, 10, (40,), generator=gen)
    torch.manual_seed(0)
    net = normnets.QuestionNet(in_features=6, num_questions=4, width=8)
    history = dlbook.fit(net, normnets.with_questions(images, digits), loss_fn=F.binary_cross_entropy_with_logits,
                         optimizer=torch.optim.Adam(net.parameters(), lr=1e-2), epochs=3, batch_size=32,
                         device="cpu", progress=False)
    assert len(history) == 3 and history["loss"][-1] < history["loss"][0]
    scores = dlbook.evaluate(net, normnets.with_questions(images, digits), loss_fn=F.binary_cross_entropy_with_logits)
    assert scores["loss"] > 0
    inputs, questions, _ = normnets.with_questions(images, digits)
    assert dlbook.predict(net, inputs, questions).shape == (160,)


def test_question_data_errors():
    with pytest.raises(ValueError, match="integer tensor of values 0–9"):
        normnets.answers(torch.tensor([3, 10]))
    with pytest.raises(ValueError, match="integer tensor of values 0–9"):
        normnets.answers(torch.tensor([1.0, 2.0]))
    with pytest.raises(ValueError, match="one digit per image"):
        normnets.with_questions(randn(4, 3), torch.tensor([1, 2]))
