import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn import functional as F

from dlbook import attention, check


@settings(max_examples=25, deadline=None)
@given(batch=st.integers(1, 3), L=st.integers(1, 6), S=st.integers(1, 7), E=st.integers(1, 8), Ev=st.integers(1, 5),
       seed=st.integers(0, 1000))
def test_sdpa_equals_torch_for_drawn_shapes(batch, L, S, E, Ev, seed):
    gen = torch.Generator().manual_seed(seed)
    q = torch.randn(batch, L, E, dtype=torch.float64, generator=gen, requires_grad=True)
    k = torch.randn(batch, S, E, dtype=torch.float64, generator=gen, requires_grad=True)
    v = torch.randn(batch, S, Ev, dtype=torch.float64, generator=gen, requires_grad=True)
    mask = torch.rand(L, S, generator=gen) > 0.5
    mask[:, 0] = True
    bias = torch.randn(L, S, dtype=torch.float64, generator=gen)
    for kw in ({}, {"attn_mask": mask}, {"attn_mask": bias}):
        ours, theirs = attention.scaled_dot_product_attention(q, k, v, **kw), F.scaled_dot_product_attention(q, k, v, **kw)
        check.close(ours, theirs, atol=1e-12)
        g = torch.randn_like(ours)
        check.close(torch.autograd.grad(ours, (q, k, v), g), torch.autograd.grad(theirs, (q, k, v), g), atol=1e-10)


@pytest.mark.parametrize("L, S", [(4, 4), (3, 6), (6, 3)])
def test_causal_equals_torch(L, S):
    torch.manual_seed(0)
    q, k, v = torch.randn(2, L, 5).double(), torch.randn(2, S, 5).double(), torch.randn(2, S, 3).double()
    check.close(attention.scaled_dot_product_attention(q, k, v, is_causal=True),
                F.scaled_dot_product_attention(q, k, v, is_causal=True), atol=1e-12)


def test_weights_are_a_distribution():
    torch.manual_seed(0)
    w = attention.attention_weights(torch.randn(3, 4, 8), torch.randn(3, 5, 8))
    assert (w >= 0).all()
    check.close(w.sum(-1), torch.ones(3, 4), atol=1e-6)


def test_additive_attention_against_its_formula_and_padding():
    torch.manual_seed(1)
    layer = attention.AdditiveAttention(3, 4, 6).double()
    q, k, v = torch.randn(2, 2, 3).double(), torch.randn(2, 5, 4).double(), torch.randn(2, 5, 2).double()
    pad = torch.zeros(2, 5, dtype=torch.bool)
    pad[1, 3:] = True
    out, w = layer(q, k, v, key_padding_mask=pad)
    e = (torch.tanh(layer.W_q(q)[:, :, None] + layer.W_k(k)[:, None]) @ layer.w.weight[0]).masked_fill(pad[:, None], -torch.inf)
    check.close(w, torch.softmax(e, -1), atol=1e-12)
    check.close(out, torch.softmax(e, -1) @ v, atol=1e-12)
    assert (w[1, :, 3:] == 0).all()


def test_bad_input_names_the_problem():
    q = torch.randn(2, 3, 4)
    with pytest.raises(ValueError, match="feature size"):
        attention.scaled_dot_product_attention(q, torch.randn(2, 3, 5), torch.randn(2, 3, 5))
    with pytest.raises(ValueError, match="same length"):
        attention.scaled_dot_product_attention(q, torch.randn(2, 3, 4), torch.randn(2, 4, 4))
    with pytest.raises(TypeError, match="floating"):
        attention.scaled_dot_product_attention(q.long(), q, q)
    with pytest.raises(TypeError, match="query"):
        attention.scaled_dot_product_attention([1.0], q, q)
    with pytest.raises(ValueError, match="length, features"):
        attention.scaled_dot_product_attention(torch.randn(4), q, q)
    with pytest.raises(ValueError, match="attn_mask"):
        attention.scaled_dot_product_attention(q, q, q, attn_mask=torch.ones(2, 2, dtype=torch.bool))
    with pytest.raises(TypeError, match="attn_mask"):
        attention.scaled_dot_product_attention(q, q, q, attn_mask=torch.ones(3, 3, dtype=torch.int64))
    with pytest.raises(ValueError, match="either"):
        attention.scaled_dot_product_attention(q, q, q, attn_mask=torch.ones(3, 3, dtype=torch.bool), is_causal=True)
    with pytest.raises(ValueError, match="hidden_dim"):
        attention.AdditiveAttention(3, 4, 0)
    layer = attention.AdditiveAttention(4, 4, 4)
    with pytest.raises(ValueError, match="batched alike"):
        layer(q, torch.randn(3, 3, 4), torch.randn(3, 3, 4))
    with pytest.raises(ValueError, match="key_padding_mask"):
        layer(q, q, q, key_padding_mask=torch.zeros(2, 2, dtype=torch.bool))
