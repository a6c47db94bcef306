import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from dlbook import flows
from helpers import assert_close, randn


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 5))
def test_block_equations_and_exact_inverse(n, half, depth):
    torch.manual_seed(half)
    net = flows.rev_mlp(2 * half, 6, depth).double()
    x = randn(n, 2 * half, seed=depth)
    block = net.blocks[0]
    y = block(x)
    x1, x2 = x.chunk(2, 1)
    y1 = x1 + block.F(x2)
    assert_close(y, torch.cat([y1, x2 + block.G(y1)], 1))
    assert_close(block.inverse(y), x, atol=1e-12)
    assert_close(net.inverse(net(x)), x, atol=1e-10)


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 4), st.integers(1, 6))
def test_reversible_backprop_equals_ordinary_backprop(n, depth):
    torch.manual_seed(depth)
    ours = flows.rev_mlp(6, 8, depth, memory_saving=True).double()
    plain = flows.rev_mlp(6, 8, depth, memory_saving=False).double()
    plain.load_state_dict(ours.state_dict())
    x = randn(n, 6, seed=n)
    results = []
    for net in (ours, plain):
        xi = x.clone().requires_grad_(True)
        out = net(xi)
        loss = (out ** 2).sum() + out.sum()
        results.append((out, *torch.autograd.grad(loss, [xi, *net.parameters()])))
    for a, b in zip(*results):
        assert_close(a, b, atol=1e-10)


def test_convolutional_blocks_and_frozen_parameters():
    torch.manual_seed(0)
    make = lambda: nn.Conv2d(2, 2, 3, padding=1)  # noqa: E731
    blocks = [flows.RevBlock(make(), make()) for _ in range(3)]
    ours = flows.RevNet(blocks).double()
    plain = flows.RevNet([flows.RevBlock(make(), make()) for _ in range(3)], memory_saving=False).double()
    plain.load_state_dict(ours.state_dict())
    for net in (ours, plain):
        net.blocks[1].F.weight.requires_grad_(False)
    x = randn(2, 4, 5, 5, seed=3)
    for net in (ours, plain):
        net(x).square().sum().backward()
    for p, q in zip(ours.parameters(), plain.parameters()):
        assert (p.grad is None) == (q.grad is None)
        if p.grad is not None:
            assert_close(p.grad, q.grad, atol=1e-10)
    with torch.no_grad():
        assert_close(ours(x), plain(x))


def test_bad_input():
    net = flows.rev_mlp(4, 8, 2)
    with pytest.raises(ValueError, match="even size"):
        net(torch.zeros(2, 5))
    with pytest.raises(ValueError, match=r"\(N, C, ...\)"):
        net.inverse(torch.zeros(4))
    with pytest.raises(TypeError, match="F and G must be nn.Modules"):
        flows.RevBlock(torch.relu, nn.Identity())
    with pytest.raises(TypeError, match="sequence of RevBlock"):
        flows.RevNet([nn.Linear(2, 2)])
    with pytest.raises(ValueError, match="features must be even"):
        flows.rev_mlp(5, 8, 2)
    with pytest.raises(ValueError, match="depth must be a positive int"):
        flows.rev_mlp(4, 8, 0)
