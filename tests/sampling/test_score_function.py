import math

import pytest
import torch
from hypothesis import given, settings, strategies as st

from dlbook import check
from dlbook.sampling import reinforce_surrogate


def test_value_and_gradient_of_the_surrogate():
    theta = torch.randn(4, dtype=torch.float64, requires_grad=True)
    z = torch.tensor([0, 3, 3, 1, 2])
    reward = torch.tensor([1.0, -2.0, 0.5, 3.0, 0.0], dtype=torch.float64)
    log_prob = torch.log_softmax(theta, 0)[z]
    surrogate = reinforce_surrogate(log_prob, reward, baseline=0.5)
    assert surrogate.shape == ()
    grad, = torch.autograd.grad(surrogate, theta)
    score = torch.eye(4, dtype=torch.float64)[z] - torch.softmax(theta, 0).detach()   # ∇ log softmax(θ)_z
    check.close(grad, ((reward - 0.5)[:, None] * score).mean(0), atol=1e-14)


def test_no_gradient_flows_into_reward_or_baseline():
    log_prob = torch.randn(3, requires_grad=True)
    reward = torch.randn(3, requires_grad=True)
    baseline = torch.randn(3, requires_grad=True)
    g = torch.autograd.grad(reinforce_surrogate(log_prob, reward, baseline), [log_prob, reward, baseline],
                            allow_unused=True)
    assert g[1] is None and g[2] is None
    check.close(g[0], (reward - baseline).detach() / 3, atol=1e-7)


def test_the_estimate_is_unbiased_for_a_categorical():
    # E_{z∼softmax(θ)}[f(z)] has the exact gradient p ⊙ (f − p·f)
    theta = torch.tensor([0.2, -0.5, 1.0], dtype=torch.float64, requires_grad=True)
    f = torch.tensor([1.0, 4.0, -2.0], dtype=torch.float64)
    p = torch.softmax(theta, 0).detach()
    exact = p * (f - (p * f).sum())
    n = 200_000
    z = torch.multinomial(p, n, replacement=True, generator=torch.Generator().manual_seed(0))
    log_prob = torch.log_softmax(theta, 0)[z]
    estimate, = torch.autograd.grad(reinforce_surrogate(log_prob, f[z], baseline=(p * f).sum()), theta)
    per_sample = (f[z] - (p * f).sum())[:, None] * (torch.eye(3, dtype=torch.float64)[z] - p)
    standard_error = per_sample.std(0) / math.sqrt(n)
    assert ((estimate - exact).abs() < 5 * standard_error).all()


def test_integer_rewards_and_broadcast_baselines_are_accepted():
    log_prob = torch.zeros(4, 2, requires_grad=True)
    out = reinforce_surrogate(log_prob, torch.ones(4, 2, dtype=torch.int64), torch.zeros(2))
    assert out.dtype == torch.float32


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="same shape"):
        reinforce_surrogate(torch.zeros(3), torch.zeros(4))
    with pytest.raises(ValueError, match="baseline"):
        reinforce_surrogate(torch.zeros(3), torch.zeros(3), torch.zeros(2))
    with pytest.raises(ValueError, match="baseline"):
        reinforce_surrogate(torch.zeros(3), torch.zeros(3), torch.zeros(2, 3))
    with pytest.raises(TypeError, match="log_prob"):
        reinforce_surrogate(torch.zeros(3, dtype=torch.int64), torch.zeros(3))
    with pytest.raises(TypeError, match="reward"):
        reinforce_surrogate(torch.zeros(3), torch.zeros(3, dtype=torch.bool))
    with pytest.raises(TypeError, match="baseline"):
        reinforce_surrogate(torch.zeros(3), torch.zeros(3), "0")
    with pytest.raises(ValueError, match="empty"):
        reinforce_surrogate(torch.zeros(0), torch.zeros(0))


def test_leave_one_out_baseline_and_per_sample_gradients():
    from dlbook.sampling import leave_one_out_baseline, score_function_gradients
    r = torch.tensor([1.0, 2.0, 6.0])
    assert torch.equal(leave_one_out_baseline(r), torch.tensor([4.0, 3.5, 1.5]))
    r2 = torch.tensor([[1.0, 2.0], [3.0, 6.0]])
    assert torch.equal(leave_one_out_baseline(r2, dim=1), torch.tensor([[2.0, 1.0], [6.0, 3.0]]))
    assert leave_one_out_baseline(torch.tensor([1, 3])).dtype == torch.get_default_dtype()
    score = torch.tensor([[1.0, -1.0], [0.5, 0.0], [0.0, 2.0]])
    assert torch.equal(score_function_gradients(r, score), r[:, None] * score)
    assert torch.equal(score_function_gradients(r, score, 1.0), (r - 1)[:, None] * score)
    assert torch.equal(score_function_gradients(r, score, "leave-one-out"),
                       (r - torch.tensor([4.0, 3.5, 1.5]))[:, None] * score)
    assert torch.equal(score_function_gradients(r, score, torch.tensor([1.0, 2.0])),
                       (r[:, None] - torch.tensor([1.0, 2.0])) * score)
    with pytest.raises(ValueError, match="at least 2"):
        leave_one_out_baseline(torch.tensor([1.0]))
    with pytest.raises(ValueError, match="scalar"):
        leave_one_out_baseline(torch.tensor(1.0))
    with pytest.raises(ValueError, match="out of range"):
        leave_one_out_baseline(r, dim=1)
    with pytest.raises(ValueError, match=r"\(N, P\)"):
        score_function_gradients(r, score[:2])
    with pytest.raises(ValueError, match="leave-one-out"):
        score_function_gradients(r, score, "mean")
    with pytest.raises(ValueError, match="fits neither"):
        score_function_gradients(r, score, torch.zeros(5))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.booleans(), st.integers(0, 999))
def test_surrogate_gradient_for_any_shape(shape, with_baseline, seed):
    gen = torch.Generator().manual_seed(seed)
    log_prob = torch.randn(shape, generator=gen, dtype=torch.float64, requires_grad=True)
    reward = torch.randn(shape, generator=gen, dtype=torch.float64)
    baseline = torch.randn(shape[-1:], generator=gen, dtype=torch.float64) if with_baseline else None
    out = reinforce_surrogate(log_prob, reward, baseline)
    assert out.shape == ()
    grad, = torch.autograd.grad(out, log_prob)
    advantage = reward - (baseline if with_baseline else 0)
    check.close(grad, advantage / log_prob.numel(), atol=1e-14)
