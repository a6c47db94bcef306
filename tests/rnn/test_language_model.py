import pytest
import torch

from dlbook import check, rnn


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("layers", [1, 2])
def test_parameter_count_formula_and_budget(cell, layers):
    model = rnn.CharLM(30, 17, cell=cell, embedding_dim=5, num_layers=layers)
    assert sum(p.numel() for p in model.parameters()) == rnn.count_parameters(cell, 30, 17, 5, layers)
    hidden = rnn.hidden_size_for(cell, 20_000, 30, 5, layers)
    count = rnn.count_parameters(cell, 30, hidden, 5, layers)
    neighbours = [rnn.count_parameters(cell, 30, h, 5, layers) for h in (hidden - 1, hidden + 1)]
    assert all(abs(count - 20_000) <= abs(n - 20_000) for n in neighbours)


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_fused_and_from_scratch_models_agree(cell):
    torch.manual_seed(0)
    fused = rnn.CharLM(7, 6, cell=cell, embedding_dim=4, num_layers=2).double()
    scratch = rnn.CharLM(7, 6, cell=cell, embedding_dim=4, num_layers=2, fused=False).double()
    scratch.load_state_dict(fused.state_dict())
    idx = torch.randint(0, 7, (3, 5))
    logits = fused(idx)
    assert logits.shape == (3, 5, 7)
    check.close(scratch(idx), logits, atol=1e-10)
    # carrying the state over a split gives what one pass gives
    first, state = scratch.forward_with_state(idx[:, :2])
    second, _ = scratch.forward_with_state(idx[:, 2:], state)
    check.close(torch.cat([first, second], 1), logits, atol=1e-10)


def test_generate_returns_prompt_plus_tokens():
    torch.manual_seed(0)
    model = rnn.CharLM(5, 4, cell="lstm")
    out = model.generate(torch.tensor([1, 2]), 5, generator=torch.Generator().manual_seed(0))
    assert out.shape == (7,) and out[:2].tolist() == [1, 2] and out.max() < 5
    assert torch.equal(model.generate(torch.tensor([[1, 2]]), 4, temperature=0),
                       model.generate(torch.tensor([[1, 2]]), 4, temperature=0))


def test_bad_input_names_the_problem():
    model = rnn.CharLM(5, 4)
    with pytest.raises(ValueError, match="cell"):
        rnn.CharLM(5, 4, cell="transformer")
    with pytest.raises(ValueError, match=r"\[0, 5\)"):
        model(torch.tensor([[0, 5]]))
    with pytest.raises(ValueError, match=r"\(B, T\)"):
        model(torch.tensor([0, 1]))
    with pytest.raises(TypeError, match="integer"):
        model(torch.zeros(1, 2))
    with pytest.raises(ValueError, match="temperature"):
        model.generate(torch.tensor([0]), 3, temperature=-0.5)
    with pytest.raises(ValueError, match="at least"):
        rnn.hidden_size_for("lstm", 10, 30, 5)
    with pytest.raises(ValueError, match="vocab_size"):
        rnn.count_parameters("gru", 0, 3, 3)
