import pytest
import torch

import dlbook
from dlbook import attention, check, rnn
from dlbook.data.seq2seq import reverse_digits


@pytest.mark.parametrize("use_attention", [False, True])
def test_teacher_forcing_equals_step_by_step_decoding(use_attention):
    torch.manual_seed(0)
    model = attention.Seq2Seq(10, 16, 8, attention=use_attention).double()
    src, tgt = reverse_digits(4, 6, seed=1)
    logits = model(src, model.shift_right(tgt))
    encoded, state = model.encode(src)
    steps = []
    for t in range(6):
        step, state = model.decode(model.shift_right(tgt)[:, t:t + 1], encoded, state)
        steps.append(step)
    check.close(torch.cat(steps, 1), logits, atol=1e-12)
    predicted = model.translate(src, 6)
    assert predicted.shape == (4, 6)
    if use_attention:
        assert model.weights.shape == (4, 6, 6)
        check.close(model.weights.sum(-1), torch.ones(4, 6), atol=1e-12)


def test_attention_context_is_the_weighted_mean_of_encoder_states():
    torch.manual_seed(0)
    model = attention.Seq2Seq(10, 8, 4).double()
    src, tgt = reverse_digits(2, 5, seed=0)
    encoded, state = model.encode(src)
    out, _ = model.decoder(model.target_embedding(model.shift_right(tgt)), state)
    alpha = torch.softmax(out @ encoded.transpose(1, 2) / 8 ** 0.5, -1)
    expected = model.head(torch.cat([out, alpha @ encoded], -1))
    check.close(model(src, model.shift_right(tgt)), expected, atol=1e-12)


def test_learns_to_reverse_short_strings():
    torch.manual_seed(0)
    src, tgt = reverse_digits(2000, 3, seed=0)
    model = attention.Seq2Seq(10, 32, 16)
    dlbook.fit(model, (src, model.shift_right(tgt), tgt), loss_fn=rnn.next_token_loss,
               optimizer=torch.optim.Adam(model.parameters(), 1e-2), epochs=3, batch_size=32, device="cpu",
               progress=False)
    test_src, test_tgt = reverse_digits(200, 3, seed=5)
    assert (model.translate(test_src, 3) == test_tgt).float().mean() > 0.9


def test_bad_input_names_the_problem():
    model = attention.Seq2Seq(10, 8, 4)
    src = torch.zeros(2, 3, dtype=torch.int64)
    with pytest.raises(ValueError, match="src ids"):
        model(src + 10, src)
    with pytest.raises(ValueError, match="tgt_in ids"):
        model(src, src + 11)
    with pytest.raises(TypeError, match="integer"):
        model(src.float(), src)
    with pytest.raises(ValueError, match="batch sizes"):
        model(src, torch.zeros(3, 3, dtype=torch.int64))
    with pytest.raises(ValueError, match=r"\(N, length\)"):
        model(src[0], src)
    with pytest.raises(ValueError, match="length"):
        model.translate(src, 0)
    with pytest.raises(ValueError, match="hidden_size"):
        attention.Seq2Seq(10, 0)
