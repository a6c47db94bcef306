import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn

from dlbook import attention, check


class Calling(nn.Module):
    def __init__(self, inner, key_value=None, **kw):
        super().__init__()
        self.inner, self.kw, self.key_value = inner, kw, key_value

    def forward(self, x):
        kv = x if self.key_value is None else self.key_value
        return self.inner(x, kv, kv, **self.kw)


@settings(max_examples=12, deadline=None)
@given(N=st.integers(1, 3), T=st.integers(1, 5), heads=st.sampled_from([1, 2, 4]), head_dim=st.integers(1, 3),
       batch_first=st.booleans(), bias=st.booleans(), seed=st.integers(0, 100))
def test_equals_torch_for_drawn_shapes(N, T, heads, head_dim, batch_first, bias, seed):
    torch.manual_seed(seed)
    E = heads * head_dim
    x = torch.randn(N, T, E) if batch_first else torch.randn(T, N, E)
    causal = torch.ones(T, T, dtype=torch.bool).triu(1)
    padding = torch.zeros(N, T, dtype=torch.bool)
    padding[0, T // 2 + 1:] = True
    for kw in ({}, {"attn_mask": causal, "key_padding_mask": padding}, {"need_weights": False}):
        check.same_as_torch(Calling(attention.MultiheadAttention(E, heads, bias=bias, batch_first=batch_first), **kw),
                            Calling(nn.MultiheadAttention(E, heads, bias=bias, batch_first=batch_first), **kw), x)


def test_float_masks_per_head_masks_cross_attention_and_unbatched():
    torch.manual_seed(0)
    N, L, S, E, h = 2, 3, 5, 8, 2
    x, memory = torch.randn(N, L, E).double(), torch.randn(N, S, E).double()
    float_mask = torch.randn(N * h, L, S).double()
    float_padding = torch.randn(N, S).double()
    kw = dict(attn_mask=float_mask, key_padding_mask=float_padding, average_attn_weights=False)
    check.same_as_torch(Calling(attention.MultiheadAttention(E, h, batch_first=True), key_value=memory, **kw),
                        Calling(nn.MultiheadAttention(E, h, batch_first=True), key_value=memory, **kw), x)
    check.same_as_torch(Calling(attention.MultiheadAttention(E, h)), Calling(nn.MultiheadAttention(E, h)), x[0])


def test_state_dict_names_are_torchs():
    ours, theirs = attention.MultiheadAttention(8, 2), nn.MultiheadAttention(8, 2)
    assert sorted(ours.state_dict()) == sorted(theirs.state_dict())
    assert sorted(attention.MultiheadAttention(8, 2, bias=False).state_dict()) == \
        sorted(nn.MultiheadAttention(8, 2, bias=False).state_dict())


def test_permutation_equivariance():
    torch.manual_seed(0)
    mha = attention.MultiheadAttention(6, 3, batch_first=True).double()
    x = torch.randn(2, 5, 6).double()
    perm = torch.randperm(5)
    check.close(mha(x[:, perm], x[:, perm], x[:, perm])[0], mha(x, x, x)[0][:, perm], atol=1e-12)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="divisible"):
        attention.MultiheadAttention(6, 4)
    with pytest.raises(ValueError, match="num_heads"):
        attention.MultiheadAttention(6, 0)
    mha = attention.MultiheadAttention(4, 2, batch_first=True)
    x = torch.randn(2, 3, 4)
    with pytest.raises(ValueError, match="embed_dim"):
        mha(torch.randn(2, 3, 5), x, x)
    with pytest.raises(ValueError, match="3-D"):
        mha(torch.randn(3, 4), x, x)
    with pytest.raises(ValueError, match="batch sizes"):
        mha(x, torch.randn(3, 3, 4), torch.randn(3, 3, 4))
    with pytest.raises(ValueError, match="same shape"):
        mha(x, x, torch.randn(2, 4, 4))
    with pytest.raises(TypeError, match="floating"):
        mha(x.long(), x, x)
    with pytest.raises(ValueError, match="attn_mask"):
        mha(x, x, x, attn_mask=torch.zeros(2, 2, dtype=torch.bool))
    with pytest.raises(ValueError, match="key_padding_mask"):
        mha(x, x, x, key_padding_mask=torch.zeros(2, 4, dtype=torch.bool))
    with pytest.raises(TypeError, match="key_padding_mask"):
        mha(x, x, x, key_padding_mask=torch.zeros(2, 3, dtype=torch.int64))
