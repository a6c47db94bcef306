import pytest
import torch

from dlbook import flows
from helpers import assert_close, randn


def test_autograd_log_det_of_a_linear_map():
    A = randn(3, 3, seed=0)
    x = randn(4, 3, seed=1)
    log_det = flows.autograd_log_det(lambda v: (v @ A.T,), x)
    assert_close(log_det, torch.linalg.slogdet(A)[1].expand(4))


def test_randomize_parameters_is_reproducible():
    a = flows.randomize_parameters_(flows.AffineCoupling(4, hidden=5), std=0.3, seed=2)
    b = flows.randomize_parameters_(flows.AffineCoupling(4, hidden=5), std=0.3, seed=2)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    assert 0.2 < float(torch.cat([p.detach().flatten() for p in a.parameters()]).std()) < 0.4
    x = torch.randn(3, 4)
    assert not torch.equal(a(x)[0], x), "no longer the identity"


def test_bad_input():
    with pytest.raises(TypeError, match="layer must be callable"):
        flows.autograd_log_det(3, torch.zeros(2, 2))
    with pytest.raises(ValueError, match=r"x must be a tensor of shape \(N, D\)"):
        flows.autograd_log_det(lambda v: (v,), torch.zeros(2))
    with pytest.raises(TypeError, match="module must be an nn.Module"):
        flows.randomize_parameters_(torch.zeros(2))
    with pytest.raises(ValueError, match="std must be positive"):
        flows.randomize_parameters_(torch.nn.Linear(2, 2), std=0)
