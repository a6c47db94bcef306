import pytest
import torch

from dlbook import attention, check


def test_weights_are_a_gaussian_kernel_normalised():
    x = torch.tensor([0.0, 0.5, 1.0], dtype=torch.float64)
    y = torch.tensor([1.0, 2.0, 4.0], dtype=torch.float64)
    pred, w = attention.nadaraya_watson(torch.tensor([0.5], dtype=torch.float64), x, y, bandwidth=0.5)
    k = torch.exp(-(0.5 - x) ** 2 / (2 * 0.25))
    check.close(w[0], k / k.sum(), atol=1e-12)
    check.close(pred[0], (k * y).sum() / k.sum(), atol=1e-12)


def test_leave_one_out_ignores_self_and_small_bandwidth_interpolates():
    x = torch.linspace(0, 1, 11, dtype=torch.float64)
    y = x ** 2
    _, w = attention.nadaraya_watson(x, x, y, 0.1, exclude_self=True)
    assert (w.diagonal() == 0).all()
    pred, _ = attention.nadaraya_watson(x, x, y, 1e-3)
    check.close(pred, y, atol=1e-9)


def test_learned_bandwidth_beats_extremes():
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(60, dtype=torch.float64, generator=gen)
    y = torch.sin(6 * x) + 0.2 * torch.randn(60, dtype=torch.float64, generator=gen)
    h, history = attention.fit_bandwidth(x, y, init=0.5, steps=200, lr=0.1)
    loo = lambda b: float(((attention.nadaraya_watson(x, x, y, b, exclude_self=True)[0] - y) ** 2).mean())  # noqa: E731
    assert loo(h) < min(loo(0.003), loo(0.5)) and len(history) == 200


def test_bad_input_names_the_problem():
    x = torch.rand(5, dtype=torch.float64)
    with pytest.raises(ValueError, match="bandwidth"):
        attention.nadaraya_watson(x, x, x, 0.0)
    with pytest.raises(ValueError, match="keys"):
        attention.nadaraya_watson(x, x[:3], x)
    with pytest.raises(ValueError, match="query"):
        attention.nadaraya_watson(x[:, None], x, x)
    with pytest.raises(ValueError, match="exclude_self"):
        attention.nadaraya_watson(x[:2], x, x, exclude_self=True)
    with pytest.raises(ValueError, match="init"):
        attention.fit_bandwidth(x, x, init=-1.0)
    with pytest.raises(ValueError, match="steps"):
        attention.fit_bandwidth(x, x, steps=0)
    with pytest.raises(ValueError, match="must match"):
        attention.fit_bandwidth(x, x[:3])
