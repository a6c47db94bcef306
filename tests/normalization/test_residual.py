"""Pre-LN and post-LN residual blocks: their definitions, shapes, gradient norms and errors."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional as F

from dlbook import normalization as N

from helpers import randn

pytestmark = pytest.mark.usefixtures("one_thread")


@settings(max_examples=10, deadline=None)
@given(width=st.integers(2, 8), n=st.integers(1, 5), seed=st.integers(0, 99))
def test_blocks_compute_their_definitions(width, n, seed):
    torch.manual_seed(seed)
    x = randn(n, width, seed=seed, dtype=torch.float32)
    pre, post = N.ResidualBlock(width, "pre"), N.ResidualBlock(width, "post")
    torch.testing.assert_close(pre(x), x + pre.mlp(F.layer_norm(x, (width,))))
    torch.testing.assert_close(post(x), F.layer_norm(x + post.mlp(x), (width,)))


def test_stack_shapes_and_final_norm():
    x = torch.randn(7, 64)
    for placement in N.PLACEMENTS:
        model = N.ResidualStack(5, placement)
        assert model(x).shape == (7, 10) and len(model.blocks) == 5
    assert isinstance(N.ResidualStack(2, "pre").final_norm, N.LayerNorm)


def test_gradient_norms_are_one_per_block_and_match_autograd():
    torch.manual_seed(0)
    model, x, t = N.ResidualStack(4, "post"), torch.randn(16, 64), torch.randint(0, 10, (16,))
    norms = N.block_gradient_norms(model, x, t)
    F.cross_entropy(model(x), t).backward()
    block = model.blocks[2].mlp
    expected = torch.cat([block[0].weight.grad.flatten(), block[2].weight.grad.flatten()]).norm()
    assert norms.shape == (4,)
    torch.testing.assert_close(norms[2], expected)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="placement must be one of"):
        N.ResidualBlock(4, "middle")
    with pytest.raises(ValueError, match="depth must be a positive int"):
        N.ResidualStack(0)
    with pytest.raises(ValueError, match="width must be a positive int"):
        N.ResidualBlock(0)
    with pytest.raises(ValueError, match="targets of shape"):
        N.block_gradient_norms(N.ResidualStack(2), torch.randn(4, 64), torch.zeros(3, dtype=torch.long))
