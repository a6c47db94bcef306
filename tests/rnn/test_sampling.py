import math

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn
from torch.nn import functional as F

from dlbook import check, rnn


class Bigram(nn.Module):
    """A model-agnostic stand-in: logits of the next token from the current one only."""

    def __init__(self, table):
        super().__init__()
        self.table = nn.Parameter(table)

    def forward(self, idx):
        return self.table[idx]


@settings(max_examples=30, deadline=None)
@given(temperature=st.floats(0.05, 20), seed=st.integers(0, 99))
def test_softmax_with_temperature_is_the_formula(temperature, seed):
    z = torch.randn(3, 7, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    p = rnn.softmax_with_temperature(z, temperature)
    check.close(p, torch.exp(z / temperature) / torch.exp(z / temperature).sum(-1, keepdim=True), atol=1e-12)


def test_temperature_limits_and_sampling_frequencies():
    z = torch.tensor([[1.0, 2.0, 0.5]])
    check.close(rnn.softmax_with_temperature(z, 1e-3), torch.tensor([[0.0, 1.0, 0.0]]), atol=1e-12)
    check.close(rnn.softmax_with_temperature(z, 1e4), torch.full((1, 3), 1 / 3), atol=1e-4)
    assert rnn.sample_next_token(z, 0).item() == 1
    gen = torch.Generator().manual_seed(0)
    draws = rnn.sample_next_token(z.expand(20000, 3), 2.0, generator=gen)
    freq = torch.bincount(draws, minlength=3).double() / 20000
    check.close(freq, rnn.softmax_with_temperature(z, 2.0)[0], atol=0.015)


def test_next_token_loss_and_bits_per_character():
    torch.manual_seed(0)
    logits, targets = torch.randn(2, 5, 4), torch.randint(0, 4, (2, 5))
    check.close(rnn.next_token_loss(logits, targets), F.cross_entropy(logits.reshape(10, 4), targets.reshape(10)))
    uniform = Bigram(torch.zeros(4, 4))
    assert rnn.bits_per_character(uniform, torch.randint(0, 4, (101,)), seq_len=10) == pytest.approx(2.0)
    # a deterministic cycle 0→1→2→3→0 is predicted with the table that knows it: p = softmax(10) ≈ 1
    table = torch.full((4, 4), -10.0)
    table[torch.arange(4), (torch.arange(4) + 1) % 4] = 10.0
    cycle = torch.arange(401) % 4
    p = torch.softmax(table[0], 0)[1].item()
    assert rnn.bits_per_character(Bigram(table), cycle, seq_len=20, batch_size=3) == pytest.approx(-math.log2(p))


def test_generate_works_for_any_model_and_matches_the_recurrent_shortcut():
    table = torch.full((4, 4), -30.0)
    table[torch.arange(4), (torch.arange(4) + 1) % 4] = 30.0
    out = rnn.generate(Bigram(table), torch.tensor([2]), 6, temperature=1.0)
    assert out.tolist() == [2, 3, 0, 1, 2, 3, 0]
    torch.manual_seed(0)
    model = rnn.CharLM(5, 8, cell="gru", embedding_dim=3)
    prompt = torch.tensor([[1, 2, 3], [0, 4, 4]])
    a = model.generate(prompt, 7, temperature=0.7, generator=torch.Generator().manual_seed(3))
    b = rnn.generate(model, prompt, 7, temperature=0.7, generator=torch.Generator().manual_seed(3))
    assert a.shape == (2, 10) and torch.equal(a, b) and torch.equal(a[:, :3], prompt)
    c = rnn.generate(model, prompt, 3, temperature=0, context_size=2)
    assert c.shape == (2, 6)
    assert model.training  # mode restored


def test_bad_input_names_the_problem():
    model = Bigram(torch.zeros(3, 3))
    with pytest.raises(ValueError, match="temperature"):
        rnn.softmax_with_temperature(torch.zeros(3), 0)
    with pytest.raises(ValueError, match="temperature"):
        rnn.sample_next_token(torch.zeros(1, 3), -1.0)
    with pytest.raises(ValueError, match="temperature"):
        rnn.generate(model, torch.tensor([0]), 2, temperature=float("inf"))
    with pytest.raises(TypeError, match="temperature"):
        rnn.softmax_with_temperature(torch.zeros(3), "hot")
    with pytest.raises(TypeError, match="floating"):
        rnn.softmax_with_temperature(torch.zeros(3, dtype=torch.long), 1.0)
    with pytest.raises(ValueError, match="rank 2"):
        rnn.sample_next_token(torch.zeros(3), 1.0)
    with pytest.raises(ValueError, match="rank 3"):
        rnn.next_token_loss(torch.zeros(4, 3), torch.zeros(4, dtype=torch.long))
    with pytest.raises(ValueError, match="must match"):
        rnn.next_token_loss(torch.zeros(2, 4, 3), torch.zeros(2, 5, dtype=torch.long))
    with pytest.raises(TypeError, match="integer"):
        rnn.generate(model, torch.zeros(2), 2)
    with pytest.raises(ValueError, match="T ≥ 1"):
        rnn.generate(model, torch.zeros(1, 0, dtype=torch.long), 2)
    with pytest.raises(ValueError, match="max_new_tokens"):
        rnn.generate(model, torch.tensor([0]), -1)
    with pytest.raises(ValueError, match="context_size"):
        rnn.generate(model, torch.tensor([0]), 1, context_size=0)
    with pytest.raises(ValueError, match="batch_size"):
        rnn.bits_per_character(model, torch.arange(20) % 3, seq_len=4, batch_size=0)
    with pytest.raises(ValueError, match="too short"):
        rnn.bits_per_character(model, torch.arange(3), seq_len=4)


def test_generate_incrementally_gives_the_tokens_of_recomputation_with_any_carried_state():
    """A state that is the whole prefix so far: step() recomputes from it, so both paths must agree."""
    torch.manual_seed(0)
    model = rnn.CharLM(7, 8, cell="gru", embedding_dim=4)

    def step(ids, prefix):
        prefix = ids if prefix is None else torch.cat([prefix, ids], dim=1)
        return model(prefix)[:, -ids.shape[1]:], prefix

    prompt = torch.tensor([[1, 2, 3], [4, 5, 6]])
    generated = rnn.generate_incrementally(model, step, prompt, 5, temperature=0.7,
                                           generator=torch.Generator().manual_seed(1))
    reference = rnn.generate(model, prompt, 5, temperature=0.7, generator=torch.Generator().manual_seed(1))
    assert torch.equal(generated, reference) and model.training
    with pytest.raises(TypeError, match="step must be callable"):
        rnn.generate_incrementally(model, None, prompt, 2)
    with pytest.raises(ValueError, match="temperature"):
        rnn.generate_incrementally(model, step, prompt, 2, temperature=-1.0)
