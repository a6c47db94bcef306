import pytest
import torch
from torch import nn

from dlbook.ntk import _args


def test_model_checks():
    with pytest.raises(TypeError, match="nn.Module"):
        _args.check_model(lambda x: x)
    frozen = nn.Linear(2, 1).requires_grad_(False)
    with pytest.raises(ValueError, match="no trainable parameter"):
        _args.check_model(frozen)
    _args.check_model(nn.Linear(2, 1))


def test_input_checks():
    assert _args.check_inputs("x", torch.zeros(3, 2)).shape == (3, 2)
    with pytest.raises(TypeError, match="x must be a tensor"):
        _args.check_inputs("x", [[1.0]])
    with pytest.raises(TypeError, match="floating-point"):
        _args.check_inputs("x", torch.zeros(3, 2, dtype=torch.long))
    with pytest.raises(ValueError, match=r"shape \(N, features"):
        _args.check_inputs("x", torch.zeros(3))
    with pytest.raises(ValueError, match="no example"):
        _args.check_inputs("x", torch.zeros(0, 2))
    with pytest.raises(ValueError, match=r"examples of shape \(3,\), expected \(2,\)"):
        _args.check_inputs("x2", torch.zeros(4, 3), features=(2,))


def test_number_and_choice_checks():
    assert _args.check_positive_int("depth", 2) == 2
    with pytest.raises(TypeError, match="depth must be an int"):
        _args.check_positive_int("depth", 2.0)
    with pytest.raises(TypeError, match="depth must be an int"):
        _args.check_positive_int("depth", True)
    with pytest.raises(ValueError, match="at least 1"):
        _args.check_positive_int("depth", 0)
    assert _args.check_nonnegative("alpha", 0) == 0.0
    with pytest.raises(ValueError, match="alpha must be positive"):
        _args.check_nonnegative("alpha", 0, positive=True)
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="non-negative and finite"):
            _args.check_nonnegative("bias_std", bad)
    with pytest.raises(TypeError, match="must be a number"):
        _args.check_nonnegative("bias_std", "0.1")
    with pytest.raises(ValueError, match="method must be one of"):
        _args.check_choice("method", "fast", ("loop",))
