"""Temperature scaling: the fitted T minimises the NLL, recovers a known over-confidence, keeps argmax."""
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbook import losses

from helpers import generator, randn

pytestmark = pytest.mark.usefixtures("one_thread")


def calibrated_sample(seed, n=20_000, k=5):
    """Logits z and labels drawn from softmax(z): perfectly calibrated by construction."""
    z = 2 * randn(n, k, seed=seed)
    t = torch.multinomial(torch.softmax(z, 1), 1, generator=generator(seed + 1))[:, 0]
    return z, t


@pytest.mark.parametrize("scale", [0.5, 2.0, 4.0])
def test_fit_temperature_undoes_a_known_scaling_of_calibrated_logits(scale):
    z, t = calibrated_sample(seed=int(10 * scale))
    assert losses.fit_temperature(scale * z, t) == pytest.approx(scale, rel=0.05)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(5, 60), k=st.integers(2, 6),
       scale=st.sampled_from([0.3, 1.0, 5.0]))
def test_fitted_temperature_is_the_minimum_of_the_nll(seed, n, k, scale):
    z = scale * randn(n, k, seed=seed)
    t = torch.randint(0, k, (n,), generator=generator(seed + 1))
    T = losses.fit_temperature(z, t)
    grid = torch.logspace(-2, 1.5, 400, dtype=torch.float64)
    best_on_grid = min(float(losses.temperature_nll(z, t, g)) for g in grid.clamp(0.05, 20))
    assert float(losses.temperature_nll(z, t, T)) <= best_on_grid + 1e-9
    if 0.05 < T < 20:                                  # inside the interval: a stationary point
        temperature = torch.tensor(T, dtype=torch.float64, requires_grad=True)
        (slope,) = torch.autograd.grad(losses.temperature_nll(z, t, temperature), temperature)
        assert abs(float(slope)) < 1e-7


def test_temperature_keeps_every_prediction_and_so_the_accuracy():
    z, t = calibrated_sample(seed=3, n=500)
    for T in (0.1, 0.7, 1.0, 3.0, 20.0):
        assert torch.equal(torch.softmax(z / T, 1).argmax(1), z.argmax(1))


def test_with_no_minimum_inside_the_interval_the_better_end_is_returned():
    right = torch.tensor([[5.0, 0.0], [0.0, 5.0]], dtype=torch.float64)
    assert losses.fit_temperature(right, torch.tensor([0, 1]), low=0.1) == 0.1      # all right: sharpen
    assert losses.fit_temperature(right, torch.tensor([1, 0]), high=7.0) == 7.0     # all wrong: flatten


def test_bad_input_is_refused_with_a_reason():
    z, t = randn(4, 3), torch.tensor([0, 1, 2, 0])
    with pytest.raises(ValueError, match="integer class indices"):
        losses.fit_temperature(z, t.double())
    with pytest.raises(ValueError, match=r"\(N, K\)"):
        losses.fit_temperature(z[:, 0], t)
    with pytest.raises(ValueError, match="0 < low < high"):
        losses.fit_temperature(z, t, low=2.0, high=1.0)
    with pytest.raises(ValueError, match="finite"):
        losses.fit_temperature(torch.full((2, 3), float("nan")), t[:2])
