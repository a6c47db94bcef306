import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from dlbook import check, rnn

PAIRS = {"RNN": (rnn.RNN, nn.RNN), "LSTM": (rnn.LSTM, nn.LSTM), "GRU": (rnn.GRU, nn.GRU)}


def flat(result):
    output, state = result
    return (output, *(state if isinstance(state, tuple) else (state,)))


def twins(kind, *args, **kwargs):
    ours_cls, torch_cls = PAIRS[kind]
    theirs = torch_cls(*args, **kwargs).double()
    ours = ours_cls(*args, **kwargs).double()
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


def compare(ours, theirs, x, state=None):
    """Outputs, final states and the gradients of the input, the initial state and every parameter, in float64."""
    parts = [x] + ([] if state is None else list(state) if isinstance(state, tuple) else [state])
    results = []
    for module in (ours, theirs):
        leaves = [p.clone().requires_grad_() for p in parts]
        hx = None if state is None else tuple(leaves[1:]) if isinstance(state, tuple) else leaves[1]
        results.append((leaves, flat(module(leaves[0], hx))))
    (leaves_a, out_a), (leaves_b, out_b) = results
    assert len(out_a) == len(out_b)
    gen = torch.Generator().manual_seed(0)
    weights = [torch.randn(o.shape, generator=gen, dtype=torch.float64) for o in out_b]
    for a, b in zip(out_a, out_b):
        check.close(a, b, atol=1e-10)
    sum((w * o).sum() for w, o in zip(weights, out_a)).backward()
    sum((w * o).sum() for w, o in zip(weights, out_b)).backward()
    for a, b in zip(leaves_a, leaves_b):
        check.close(a.grad, b.grad, atol=1e-10)
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        check.close(p.grad, theirs_params[name].grad, name=name, atol=1e-10)


@settings(max_examples=12, deadline=None)
@given(kind=st.sampled_from(sorted(PAIRS)), layers=st.integers(1, 2), bidirectional=st.booleans(),
       batch_first=st.booleans(), bias=st.booleans(), steps=st.integers(1, 4), batch=st.integers(1, 3),
       give_state=st.booleans(), seed=st.integers(0, 99))
def test_layers_equal_torch(kind, layers, bidirectional, batch_first, bias, steps, batch, give_state, seed):
    torch.manual_seed(seed)
    kw = dict(num_layers=layers, bidirectional=bidirectional, batch_first=batch_first, bias=bias)
    ours, theirs = twins(kind, 3, 4, **kw)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    x = torch.randn((batch, steps, 3) if batch_first else (steps, batch, 3), dtype=torch.float64)
    state = None
    if give_state:
        h = torch.randn(layers * (2 if bidirectional else 1), batch, 4, dtype=torch.float64)
        state = (h, torch.randn_like(h)) if kind == "LSTM" else h
    compare(ours, theirs, x, state)


@pytest.mark.parametrize("kind", sorted(PAIRS))
def test_state_dict_loads_into_torch_and_train_eval_agree(kind):
    torch.manual_seed(1)
    ours = PAIRS[kind][0](2, 3, num_layers=2, bidirectional=True)
    theirs = PAIRS[kind][1](2, 3, num_layers=2, bidirectional=True)
    theirs.load_state_dict(ours.state_dict())
    x = torch.randn(5, 2, 2)
    for mode in (True, False):
        ours.train(mode), theirs.train(mode)
        for a, b in zip(flat(ours(x)), flat(theirs(x))):
            check.close(a, b, atol=1e-6)
    assert not list(ours.buffers())


@pytest.mark.parametrize("kind", sorted(PAIRS))
def test_unbatched_input_and_dropout_in_eval(kind):
    torch.manual_seed(2)
    ours, theirs = twins(kind, 3, 4, num_layers=2, dropout=0.5)
    ours.eval(), theirs.eval()
    x = torch.randn(6, 3, dtype=torch.float64)
    for a, b in zip(flat(ours(x)), flat(theirs(x))):
        check.close(a, b, atol=1e-10)
    ours.train()
    out_train = ours(x)[0]
    assert out_train.shape == (6, 4)


@settings(max_examples=10, deadline=None)
@given(kind=st.sampled_from(sorted(PAIRS)), bidirectional=st.booleans(), batch_first=st.booleans(),
       lengths=st.lists(st.integers(1, 6), min_size=1, max_size=4), seed=st.integers(0, 99))
def test_lengths_match_packed_sequences(kind, bidirectional, batch_first, lengths, seed):
    torch.manual_seed(seed)
    ours, theirs = twins(kind, 2, 3, num_layers=2, bidirectional=bidirectional, batch_first=batch_first)
    steps, lengths = max(lengths), torch.tensor(lengths)
    x = torch.randn((len(lengths), steps, 2) if batch_first else (steps, len(lengths), 2), dtype=torch.float64)
    packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=False)
    out_b, state_b = theirs(packed)
    out_b, _ = nn.utils.rnn.pad_packed_sequence(out_b, batch_first=batch_first, total_length=steps)
    for a, b in zip(flat(ours(x, lengths=lengths)), flat((out_b, state_b))):
        check.close(a, b, atol=1e-10)
    # every sequence alone, unpadded, gives the same output and final state
    for i, n in enumerate(lengths.tolist()):
        xi = x[i:i + 1, :n] if batch_first else x[:n, i:i + 1]
        alone = flat(ours(xi))
        padded = flat(ours(x, lengths=lengths))
        check.close(alone[0], padded[0][i:i + 1, :n] if batch_first else padded[0][:n, i:i + 1], atol=1e-10)
        for a, b in zip(alone[1:], padded[1:]):
            check.close(a, b[:, i:i + 1], atol=1e-10)


def test_bad_input_names_the_problem():
    layer = rnn.LSTM(3, 4, num_layers=2)
    with pytest.raises(ValueError, match="rank 3"):
        layer(torch.randn(2, 3, 4, 3))
    with pytest.raises(ValueError, match="input_size=3"):
        layer(torch.randn(5, 2, 4))
    with pytest.raises(ValueError, match="hx must have shape"):
        layer(torch.randn(5, 2, 3), (torch.zeros(1, 2, 4), torch.zeros(1, 2, 4)))
    with pytest.raises(TypeError, match="pair"):
        layer(torch.randn(5, 2, 3), torch.zeros(2, 2, 4))
    with pytest.raises(TypeError, match="tensor"):
        layer([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="lengths must lie"):
        layer(torch.randn(5, 2, 3), lengths=[6, 2])
    with pytest.raises(ValueError, match="lengths must be 2"):
        layer(torch.randn(5, 2, 3), lengths=[5, 2, 1])
    with pytest.raises(ValueError, match="no time steps"):
        layer(torch.randn(0, 2, 3))
    with pytest.raises(ValueError, match="hidden_size"):
        rnn.GRU(3, 0)
    with pytest.raises(TypeError, match="num_layers"):
        rnn.GRU(3, 4, num_layers=1.5)
    with pytest.raises(ValueError, match="dropout"):
        rnn.RNN(3, 4, dropout=1.0)
    with pytest.raises(ValueError, match="nonlinearity"):
        rnn.RNN(3, 4, nonlinearity="sigmoid")
