import pytest
import torch
from torch import nn

from dlbook import attention, check, rnn


class Calling(nn.Module):
    def __init__(self, layer, call):
        super().__init__()
        self.layer, self.call = layer, call

    def forward(self, x):
        return self.call(self.layer, x)


@pytest.mark.parametrize("D, heads, T", [(8, 2, 5), (12, 3, 1), (16, 4, 9)])
def test_block_equals_torch_pre_norm_encoder_layer(D, heads, T):
    torch.manual_seed(0)
    mask = nn.Transformer.generate_square_subsequent_mask(T, dtype=torch.float64)
    ours = attention.TransformerBlock(D, heads)
    theirs = nn.TransformerEncoderLayer(D, heads, 4 * D, dropout=0.0, activation="gelu", batch_first=True,
                                        norm_first=True)
    check.same_as_torch(Calling(ours, lambda m, x: m(x)),
                        Calling(theirs, lambda m, x: m(x, src_mask=mask, is_causal=True)), torch.randn(2, T, D))
    assert ours.weights.shape == (2, heads, T, T)


@pytest.mark.parametrize("positional", ["learned", "sinusoidal", "rotary", "none"])
def test_parameter_count_cache_and_generation(positional):
    torch.manual_seed(0)
    model = attention.TransformerLM(11, 8, 2, 2, 16, positional=positional).double()
    assert sum(p.numel() for p in model.parameters()) == attention.transformer_parameters(11, 8, 2, 16, positional)
    idx = torch.randint(0, 11, (3, 12))
    logits, cache = model.forward_with_cache(idx[:, :7])
    rest, cache = model.forward_with_cache(idx[:, 7:], cache)
    check.close(torch.cat([logits, rest], 1), model(idx), atol=1e-12)
    assert cache[0][0].shape == (3, 2, 12, 4)
    greedy = model.generate(idx[:, :3], 10, temperature=0)
    assert torch.equal(greedy, model.generate(idx[:, :3], 10, temperature=0, use_cache=False))
    sampled = model.generate(idx[0, :3], 5, generator=torch.Generator().manual_seed(0))
    assert sampled.shape == (8,) and torch.equal(sampled[:3], idx[0, :3])


def test_causality_through_the_gradient():
    torch.manual_seed(0)
    model = attention.TransformerLM(7, 8, 2, 2, 10, positional="rotary").double()
    embedded = model.token(torch.randint(0, 7, (1, 10))).detach().requires_grad_()
    x = embedded
    for block in model.blocks:
        x = block(x)
    x[0, 4].sum().backward()
    assert embedded.grad[0, 5:].abs().max() == 0 and embedded.grad[0, :5].abs().min() > 0


def test_trains_with_fit_and_scores_in_bits():
    torch.manual_seed(0)
    ids = torch.arange(400) % 5
    X, Y = ids[:-1].view(-1, 19)[:, :18], ids[1:].view(-1, 19)[:, :18]
    model = attention.TransformerLM(5, 16, 2, 1, 18)
    import dlbook
    dlbook.fit(model, (X, Y), loss_fn=rnn.next_token_loss, optimizer=torch.optim.Adam(model.parameters(), 1e-2),
               epochs=20, batch_size=8, device="cpu", progress=False)
    assert rnn.bits_per_character(model, ids, seq_len=18) < 0.5  # a periodic stream is predictable


def test_embed_dim_for_matches_budget():
    d = attention.embed_dim_for(20_000, 94, 2, 1, 32)
    assert d % 2 == 0
    n = attention.transformer_parameters(94, d, 1, 32)
    for other in (d - 2, d + 2):
        assert abs(n - 20_000) <= abs(attention.transformer_parameters(94, other, 1, 32) - 20_000)


def test_bad_input_names_the_problem():
    model = attention.TransformerLM(5, 8, 2, 1, 6)
    with pytest.raises(ValueError, match="positional"):
        attention.TransformerLM(5, 8, 2, 1, 6, positional="alibi")
    with pytest.raises(ValueError, match="context_size"):
        model(torch.zeros(1, 7, dtype=torch.int64))
    with pytest.raises(ValueError, match="token ids"):
        model(torch.full((1, 3), 5))
    with pytest.raises(TypeError, match="integer"):
        model(torch.zeros(1, 3))
    with pytest.raises(ValueError, match=r"\(B, T\)"):
        model(torch.zeros(3, dtype=torch.int64))
    with pytest.raises(ValueError, match="exceed"):
        model.generate(torch.zeros(3, dtype=torch.int64), 4)
    with pytest.raises(ValueError, match="temperature"):
        model.generate(torch.zeros(3, dtype=torch.int64), 2, temperature=-1.0)
    with pytest.raises(ValueError, match="max_new_tokens"):
        model.generate(torch.zeros(3, dtype=torch.int64), -1)
    with pytest.raises(ValueError, match="x must be"):
        attention.TransformerBlock(8, 2)(torch.randn(2, 3, 4))
    with pytest.raises(ValueError, match="divisible"):
        attention.TransformerBlock(6, 4)
    with pytest.raises(ValueError, match="n_parameters"):
        attention.embed_dim_for(0, 5, 2, 1, 6)
    with pytest.raises(ValueError, match="smallest"):
        attention.embed_dim_for(10, 5, 2, 1, 6)
