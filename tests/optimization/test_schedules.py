import warnings

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch.optim import lr_scheduler as L

import dlbook
from dlbook.optimization import schedules


def curves(ours, theirs, steps, lr=0.5):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. a scheduler stepped in the wrong order
        return (torch.tensor(schedules.lr_curve(ours, steps, lr), dtype=torch.float64),
                torch.tensor(schedules.lr_curve(theirs, steps, lr), dtype=torch.float64))


@settings(max_examples=25, deadline=None)
@given(step_size=st.integers(1, 20), gamma=st.floats(0.05, 1.0), steps=st.integers(1, 80))
def test_step_decay_matches_torch(step_size, gamma, steps):
    mine, reference = curves(lambda o: schedules.StepLR(o, step_size, gamma), lambda o: L.StepLR(o, step_size, gamma), steps)
    torch.testing.assert_close(mine, reference, atol=1e-12, rtol=1e-9)


@settings(max_examples=25, deadline=None)
@given(warmup=st.integers(1, 30), start=st.floats(0.01, 1.0), steps=st.integers(1, 60))
def test_linear_warmup_matches_torch_linear_lr(warmup, start, steps):
    mine, reference = curves(lambda o: schedules.LinearWarmup(o, warmup, start), lambda o: L.LinearLR(o, start, 1.0, warmup), steps)
    torch.testing.assert_close(mine, reference, atol=1e-12, rtol=1e-9)


@settings(max_examples=25, deadline=None)
@given(T_max=st.integers(2, 80), eta_min=st.floats(0.0, 0.1))
def test_cosine_matches_torch(T_max, eta_min):
    mine, reference = curves(lambda o: schedules.CosineLR(o, T_max, eta_min), lambda o: L.CosineAnnealingLR(o, T_max, eta_min), T_max + 1)
    torch.testing.assert_close(mine, reference, atol=1e-9, rtol=1e-7)
    assert mine[0] == 0.5 and mine[-1] == pytest.approx(eta_min)


def test_cosine_with_warmup_matches_torch_sequence_of_linear_then_cosine():
    mine, reference = curves(lambda o: schedules.CosineLR(o, 60, 0.01, warmup_steps=12, start_factor=0.2),
                             lambda o: L.SequentialLR(o, [L.LinearLR(o, 0.2, 1.0, 12), L.CosineAnnealingLR(o, 48, 0.01)], [12]), 61)
    torch.testing.assert_close(mine, reference, atol=1e-9, rtol=1e-7)
    assert int(mine.argmax()) == 12


@settings(max_examples=25, deadline=None)
@given(total=st.integers(20, 200), pct=st.floats(0.1, 0.9), div=st.floats(2.0, 50.0), final=st.floats(1.0, 1e4))
def test_one_cycle_matches_torch(total, pct, div, final):
    mine, reference = curves(lambda o: schedules.OneCycleLR(o, 2.0, total, pct, div, final),
                             lambda o: L.OneCycleLR(o, 2.0, total_steps=total, pct_start=pct, div_factor=div,
                                                    final_div_factor=final, cycle_momentum=False), total)
    torch.testing.assert_close(mine, reference, atol=1e-9, rtol=1e-7)
    assert mine.max() == pytest.approx(2.0, rel=0.05)


def test_one_cycle_refuses_to_step_past_its_end():
    with pytest.raises(ValueError, match="past total_steps"):
        schedules.lr_curve(lambda o: schedules.OneCycleLR(o, 1.0, 10), 12)


def test_lr_schedule_callback_advances_our_schedule_after_every_step_of_fit():
    X, y = dlbook.data.moons(64, seed=0)
    model = torch.nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    schedule = dlbook.LRSchedule(schedules.CosineLR(optimizer, T_max=8))
    dlbook.fit(model, (X, y), loss_fn=torch.nn.functional.cross_entropy, optimizer=optimizer, epochs=2,
               batch_size=16, callbacks=[schedule], progress=False)
    assert schedule.scheduler.last_epoch == 8 and optimizer.param_groups[0]["lr"] == pytest.approx(0.0, abs=1e-12)
    assert schedule.lrs == pytest.approx(schedules.lr_curve(lambda o: schedules.CosineLR(o, T_max=8), 8, lr=0.1))


@pytest.mark.parametrize("make, message", [
    (lambda o: schedules.StepLR(o, 0), "step_size must be a positive int"),
    (lambda o: schedules.StepLR(o, 5, gamma=1.5), "gamma must lie in \\(0, 1\\]"),
    (lambda o: schedules.LinearWarmup(o, 10, start_factor=0.0), "start_factor must lie in \\(0, 1\\]"),
    (lambda o: schedules.CosineLR(o, 10, eta_min=-1.0), "eta_min must be >= 0"),
    (lambda o: schedules.CosineLR(o, 10, warmup_steps=10), "warmup_steps must be an int in \\[0, T_max=10\\)"),
    (lambda o: schedules.OneCycleLR(o, -1.0, 100), "max_lr must be positive"),
    (lambda o: schedules.OneCycleLR(o, 1.0, 100, pct_start=1.0), "pct_start must lie in \\(0, 1\\)"),
    (lambda o: schedules.OneCycleLR(o, 1.0, 3, pct_start=0.2), "both halves of the cycle"),
])
def test_bad_arguments_raise_clear_errors(make, message):
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match=message):
        make(optimizer)
