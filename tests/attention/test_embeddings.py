import math

import numpy as np
import pytest
import torch

from dlbook import attention, check


def test_tokens_vocabulary_and_pairs():
    tokens = attention.word_tokens("The cat, the DOG; the cat's hat.")
    assert tokens == ["the", "cat", "the", "dog", "the", "cat", "s", "hat"]
    words, counts, ids = attention.word_vocabulary(tokens, min_count=2)
    assert words == ["the", "cat"] and counts.tolist() == [3, 2] and ids.tolist() == [0, 1, 0, 0, 1]
    centres, contexts = attention.skipgram_pairs(torch.tensor([0, 1, 2]), window=2)
    assert sorted(zip(centres.tolist(), contexts.tolist())) == [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]


def test_loss_and_gradient_against_autograd():
    gen = torch.Generator().manual_seed(0)
    v, u, n = (torch.randn(*s, dtype=torch.float64, generator=gen) for s in ((3, 4), (3, 4), (3, 2, 4)))
    check.grad(attention.negative_sampling_loss, attention.negative_sampling_grad, v, u, n)
    sig = lambda z: 1 / (1 + math.exp(-z))  # noqa: E731
    by_hand = -np.mean([math.log(sig(float(u[i] @ v[i]))) + sum(math.log(sig(-float(n[i, k] @ v[i])))
                                                                for k in range(2)) for i in range(3)])
    assert abs(attention.negative_sampling_loss(v, u, n).item() - by_hand) < 1e-12


def test_shifted_pmi_closed_form():
    centres, contexts = torch.tensor([0, 0, 1, 1, 0]), torch.tensor([1, 1, 0, 1, 0])
    pmi, joint = attention.shifted_pmi(centres, contexts, 2, negatives=2)
    assert joint.tolist() == [[1, 2], [1, 1]]
    # PMI(0, 1) = log(2·5 / (3·3)) − log 2
    assert abs(pmi[0, 1].item() - (math.log(10 / 9) - math.log(2))) < 1e-12


def test_skipgram_learns_pmi_on_a_toy_corpus():
    gen = torch.Generator().manual_seed(0)
    ids = torch.randint(0, 20, (3000,), generator=gen)
    ids[1::2] = (ids[::2] + 1) % 20  # every even token is followed by its successor
    centres, contexts = attention.skipgram_pairs(ids, 1)
    counts = torch.bincount(ids, minlength=20)
    torch.manual_seed(0)
    model = attention.SkipGram(20, 8)
    history = attention.train_word2vec(model, centres, contexts, counts, negatives=3, epochs=10, batch_size=256, lr=0.05)
    assert history["loss"][-1] < history["loss"][0]
    pmi, joint = attention.shifted_pmi(centres, contexts, 20, negatives=3)
    dots = (model.in_embed.weight @ model.out_embed.weight.T).detach().double()
    seen = joint >= 10
    assert np.corrcoef(dots[seen], pmi[seen])[0, 1] > 0.7


def test_nearest_neighbours_by_cosine():
    vectors = torch.tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [-1.0, 0.0]])
    assert attention.nearest_neighbours(vectors, torch.tensor([0]), k=2).tolist() == [[1, 2]]


def test_bad_input_names_the_problem():
    with pytest.raises(TypeError, match="str"):
        attention.word_tokens(3)
    with pytest.raises(ValueError, match="min_count"):
        attention.word_vocabulary(["a"], min_count=0)
    with pytest.raises(ValueError, match="no word"):
        attention.word_vocabulary(["a"], min_count=2)
    with pytest.raises(ValueError, match="window"):
        attention.skipgram_pairs(torch.arange(5), 0)
    with pytest.raises(ValueError, match="1-D"):
        attention.skipgram_pairs(torch.zeros(2, 2), 1)
    with pytest.raises(ValueError, match="negatives"):
        attention.negative_sampling_loss(torch.zeros(2, 3), torch.zeros(2, 3), torch.zeros(2, 3))
    model = attention.SkipGram(5, 2)
    with pytest.raises(ValueError, match="counts"):
        attention.train_word2vec(model, torch.zeros(3, dtype=torch.int64), torch.zeros(3, dtype=torch.int64),
                                 torch.ones(4))
    with pytest.raises(ValueError, match="same length"):
        attention.train_word2vec(model, torch.zeros(3, dtype=torch.int64), torch.zeros(2, dtype=torch.int64),
                                 torch.ones(5))
    with pytest.raises(ValueError, match="V > k"):
        attention.nearest_neighbours(torch.zeros(3, 2), torch.tensor([0]), k=3)
    with pytest.raises(ValueError, match="embedding_dim"):
        attention.SkipGram(5, 0)


def test_cbow_windows_and_loss():
    contexts, centres = attention.cbow_windows(torch.arange(6), 2)
    assert centres.tolist() == [2, 3] and contexts.tolist() == [[0, 1, 3, 4], [1, 2, 4, 5]]
    torch.manual_seed(0)
    model = attention.CBOW(6, 3).double()
    torch.nn.init.normal_(model.out_embed.weight)
    negatives = torch.tensor([[5, 0], [1, 1]])
    v_bar = model.in_embed.weight[contexts].mean(1)
    expected = attention.negative_sampling_loss(v_bar, model.out_embed.weight[centres], model.out_embed.weight[negatives])
    check.close(model(contexts, centres, negatives), expected, atol=1e-12)


def test_cbow_trains():
    gen = torch.Generator().manual_seed(0)
    ids = torch.randint(0, 10, (2000,), generator=gen)
    ids[1::2] = (ids[::2] + 1) % 10
    contexts, centres = attention.cbow_windows(ids, 1)
    torch.manual_seed(0)
    history = attention.train_word2vec(attention.CBOW(10, 4), contexts, centres, torch.bincount(ids, minlength=10),
                                       epochs=3, batch_size=128, lr=0.05)
    assert history["loss"][-1] < history["loss"][0] - 0.1


def test_cbow_bad_input():
    with pytest.raises(ValueError, match="too short"):
        attention.cbow_windows(torch.arange(4), 2)
    with pytest.raises(ValueError, match="window"):
        attention.cbow_windows(torch.arange(4), 0)
