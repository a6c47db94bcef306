import pytest
import torch

from dlbook.data.sequences import adding_problem, copy_task


@pytest.mark.parametrize("distractors", [False, True])
def test_copy_task_layout(distractors):
    X, y = copy_task(50, 6, length=3, n_symbols=5, distractors=distractors, seed=1)
    assert X.shape == (50, 12, 7) and y.shape == (50, 3) and y.dtype == torch.int64
    tokens = X.argmax(-1)
    assert torch.equal(tokens[:, :3], y) and (X.sum(-1) == 1).all()
    assert (tokens[:, 9] == 6).all() and (tokens[:, 10:] == 5).all()
    if distractors:
        assert (tokens[:, 3:9] < 5).all()
    else:
        assert (tokens[:, 3:9] == 5).all()
    assert torch.equal(copy_task(50, 6, length=3, n_symbols=5, distractors=distractors, seed=1)[0], X)


def test_adding_problem_targets_and_baseline():
    X, y = adding_problem(4000, 20, seed=0)
    assert X.shape == (4000, 20, 2) and y.shape == (4000, 1)
    assert (X[..., 1].sum(1) == 2).all() and (X[:, :10, 1].sum(1) == 1).all()
    assert torch.allclose((X[..., 0] * X[..., 1]).sum(1, keepdim=True), y)
    assert ((y - 1) ** 2).mean().item() == pytest.approx(1 / 6, abs=0.01)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="delay"):
        copy_task(10, -1)
    with pytest.raises(ValueError, match="n_symbols"):
        copy_task(10, 3, n_symbols=1)
    with pytest.raises(TypeError, match="length"):
        copy_task(10, 3, length=1.0)
    with pytest.raises(ValueError, match="length"):
        adding_problem(10, 1)
    with pytest.raises(ValueError, match="n must"):
        adding_problem(0, 5)
