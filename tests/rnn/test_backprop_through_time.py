import pytest
import torch
from hypothesis import given, settings, strategies as st

from dlbook import check, rnn


@settings(max_examples=20, deadline=None)
@given(T=st.integers(1, 6), B=st.integers(1, 3), I=st.integers(1, 3), H=st.integers(1, 4), seed=st.integers(0, 99))
def test_bptt_equals_autograd(T, B, I, H, seed):
    gen = torch.Generator().manual_seed(seed)
    x, h0 = torch.randn(T, B, I, generator=gen, dtype=torch.float64), torch.randn(B, H, generator=gen, dtype=torch.float64)
    params = [torch.randn(*s, generator=gen, dtype=torch.float64).requires_grad_() for s in ((H, I), (H, H), (H,))]
    x.requires_grad_(), h0.requires_grad_()
    weights = torch.randn(T, B, H, generator=gen, dtype=torch.float64)
    states = rnn.unroll(x, h0, *params)
    (weights * states).sum().backward()
    g = rnn.bptt(x, h0, params[0], params[1], states.detach(), weights)
    check.close((g.x, g.h0, g.weight_xh, g.weight_hh, g.bias), (x.grad, h0.grad, *(p.grad for p in params)),
                atol=1e-12)


def test_linear_jacobian_norms_are_matrix_powers_and_obey_the_singular_value_bound():
    W = rnn.matrix_with_spectral_radius(8, 0.9, seed=3)
    assert torch.linalg.eigvals(W).abs().max().item() == pytest.approx(0.9)
    norms = rnn.jacobian_norms(W, 12, linear=True)
    powers = [torch.linalg.matrix_norm(torch.linalg.matrix_power(W, k), ord=2).item() for k in range(13)]
    check.close(norms, torch.tensor(powers), atol=1e-12)
    sigma = torch.linalg.matrix_norm(W, ord=2).item()
    tanh_norms = rnn.jacobian_norms(W, 12, input_scale=2.0)
    assert (tanh_norms <= torch.tensor([sigma ** k for k in range(13)], dtype=torch.float64) * (1 + 1e-12)).all()


def test_bad_input_names_the_problem():
    x, h0 = torch.randn(3, 2, 1), torch.randn(2, 4)
    W_xh, W_hh, b = torch.randn(4, 1), torch.randn(4, 4), torch.randn(4)
    with pytest.raises(ValueError, match=r"\(T, B, I\)"):
        rnn.unroll(x[0], h0, W_xh, W_hh, b)
    with pytest.raises(ValueError, match="square"):
        rnn.unroll(x, h0, W_xh, torch.randn(4, 3), b)
    with pytest.raises(ValueError, match="weight_xh"):
        rnn.unroll(x, h0, torch.randn(4, 2), W_hh, b)
    with pytest.raises(ValueError, match="bias"):
        rnn.unroll(x, h0, W_xh, W_hh, torch.randn(3))
    with pytest.raises(ValueError, match="h0"):
        rnn.unroll(x, torch.randn(3, 4), W_xh, W_hh, b)
    states = rnn.unroll(x, h0, W_xh, W_hh, b)
    with pytest.raises(ValueError, match="grad_states"):
        rnn.bptt(x, h0, W_xh, W_hh, states, states[:2])
    with pytest.raises(ValueError, match="truncate"):
        rnn.bptt(x, h0, W_xh, W_hh, states, states, truncate=0)
    with pytest.raises(ValueError, match="radius"):
        rnn.matrix_with_spectral_radius(3, 0.0)
    with pytest.raises(ValueError, match="n must"):
        rnn.matrix_with_spectral_radius(0, 1.0)
    with pytest.raises(ValueError, match="square"):
        rnn.jacobian_norms(torch.randn(3, 2), 4)
    with pytest.raises(ValueError, match="steps"):
        rnn.jacobian_norms(W_hh, 0)
