import pytest
import torch
from hypothesis import given, settings, strategies as st

from dlbook.data.text import CharVocabulary, check_token_batch, next_token_windows, python_docs, split_text, text_corpus


def test_corpus_is_real_english_prose_with_a_small_vocabulary():
    text, vocab = text_corpus()
    assert len(text) > 100_000
    assert text.isascii() and len(vocab) < 100
    assert " the " in text and "statement" in text
    indents = {len(line) - len(line.lstrip(" ")) for line in text.split("\n") if line.strip()}
    assert all(n % 2 == 0 for n in indents) and "if_stmt ::=" not in text
    full = python_docs(prose_only=False, ascii_only=False)
    assert len(full) > len(text) and "    " in full
    assert python_docs() == text  # deterministic


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet="abc xyz\n.", min_size=1, max_size=40))
def test_encode_decode_round_trip(text):
    vocab = CharVocabulary.from_text(text)
    ids = vocab.encode(text)
    assert ids.dtype == torch.int64 and ids.shape == (len(text),)
    assert vocab.decode(ids) == text
    assert vocab.chars == tuple(sorted(set(text)))


def test_split_is_contiguous_and_windows_shift_by_one():
    ids = torch.arange(100)
    train, val = split_text(ids, 0.2)
    assert torch.equal(train, torch.arange(80)) and torch.equal(val, torch.arange(80, 100))
    X, Y = next_token_windows(ids, 10)
    assert X.shape == Y.shape == (9, 10)
    assert torch.equal(Y, X + 1) and torch.equal(X[:, 0], torch.arange(0, 90, 10))
    X2, _ = next_token_windows(ids, 10, stride=5, max_windows=4, seed=0)
    assert X2.shape == (4, 10) and len(set(X2[:, 0].tolist())) == 4 and all(s % 5 == 0 for s in X2[:, 0].tolist())
    assert torch.equal(next_token_windows(ids, 10, max_windows=3)[0], X[:3])


def test_bad_input_names_the_problem():
    vocab = CharVocabulary.from_text("abc")
    with pytest.raises(ValueError, match="not in the vocabulary"):
        vocab.encode("abd")
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        vocab.decode([0, 3])
    with pytest.raises(ValueError, match="1-D"):
        vocab.decode(torch.zeros(2, 2, dtype=torch.long))
    with pytest.raises(TypeError, match="integers"):
        vocab.decode(torch.zeros(2))
    with pytest.raises(TypeError, match="str"):
        vocab.encode(b"abc")
    with pytest.raises(TypeError, match="single character"):
        CharVocabulary(["ab"])
    with pytest.raises(ValueError, match="distinct"):
        CharVocabulary("aa")
    with pytest.raises(ValueError, match="at least one"):
        CharVocabulary("")
    with pytest.raises(ValueError, match="unknown corpus"):
        text_corpus("shakespeare")
    with pytest.raises(ValueError, match="val_fraction"):
        split_text(torch.arange(10), 1.5)
    with pytest.raises(ValueError, match="empty"):
        split_text(torch.arange(3), 0.01)
    with pytest.raises(ValueError, match="1-D"):
        split_text(torch.zeros(2, 5, dtype=torch.long))
    with pytest.raises(TypeError, match="integer"):
        next_token_windows(torch.zeros(20), 4)
    with pytest.raises(ValueError, match="too short"):
        next_token_windows(torch.arange(5), 5)
    with pytest.raises(ValueError, match="seq_len"):
        next_token_windows(torch.arange(50), 0)
    with pytest.raises(ValueError, match="stride"):
        next_token_windows(torch.arange(50), 4, stride=0)
    with pytest.raises(ValueError, match="max_windows"):
        next_token_windows(torch.arange(50), 4, max_windows=0)


def test_check_token_batch_names_each_problem():
    check_token_batch(torch.tensor([[0, 4], [2, 1]]), vocab_size=5)  # a good batch passes
    check_token_batch(torch.zeros(3, 0, dtype=torch.long), vocab_size=5)  # so does an empty one
    with pytest.raises(TypeError, match="integer tensor of token ids"):
        check_token_batch(torch.zeros(2, 3), vocab_size=5)
    with pytest.raises(TypeError, match="integer tensor of token ids"):
        check_token_batch([[0, 1]], vocab_size=5)
    with pytest.raises(ValueError, match=r"idx must be \(B, T\), got shape \(4,\)"):
        check_token_batch(torch.arange(4), vocab_size=5)
    with pytest.raises(ValueError, match=r"token ids must lie in \[0, 5\), got 0..5"):
        check_token_batch(torch.tensor([[0, 5]]), vocab_size=5)
    with pytest.raises(ValueError, match=r"got -1..2"):
        check_token_batch(torch.tensor([[-1, 2]]), vocab_size=5)
