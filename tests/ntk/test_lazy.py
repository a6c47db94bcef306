import pytest
import torch
from torch import nn
from torch.nn import functional as F

import dlbook
from dlbook import check
from dlbook.ntk import NTKMLP, KernelTracker, ScaledOutput, empirical_ntk, relative_change

pytestmark = pytest.mark.usefixtures("one_thread")


def test_relative_change():
    assert relative_change(torch.tensor([3.0, 4.0]), torch.tensor([0.0, 4.0])) == pytest.approx(3 / 4)
    with pytest.raises(ValueError, match="shapes"):
        relative_change(torch.zeros(2), torch.zeros(3))
    with pytest.raises(ValueError, match="reference tensor is zero"):
        relative_change(torch.ones(2), torch.zeros(2))
    with pytest.raises(TypeError, match="two tensors"):
        relative_change([1.0], torch.ones(1))


def test_scaled_output_starts_at_zero_and_scales_the_kernel():
    torch.manual_seed(0)
    base = NTKMLP(2, 8, 1).double()
    scaled = ScaledOutput(base, alpha=3.0)
    x = torch.randn(4, 2, dtype=torch.float64)
    check.close(scaled(x), torch.zeros(4, 1, dtype=torch.float64), atol=0)
    check.close(empirical_ntk(scaled, x), 9.0 * empirical_ntk(base, x), atol=1e-12)
    assert all(not p.requires_grad for p in scaled.initial.parameters())
    with torch.no_grad():
        base[0].weight.add_(0.1)
    check.close(scaled(x), 3.0 * (base(x) - scaled.initial(x)), atol=1e-12)


def test_tracker_records_through_fit():
    torch.manual_seed(1)
    model = NTKMLP(2, 32, 1, bias_std=0.5)
    x, y = torch.randn(5, 2), torch.randn(5, 1)
    tracker = KernelTracker(x, every=4, x_eval=x[:3])
    dlbook.fit(model, (x, y), loss_fn=F.mse_loss, optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
               epochs=10, batch_size=5, callbacks=[tracker], device="cpu", progress=False)
    assert tracker.epochs == [0, 4, 8, 10]
    assert tracker.kernel_change[0] == 0 and tracker.weight_change[0] == 0
    assert all(c > 0 for c in tracker.kernel_change[1:])
    assert [tuple(o.shape) for o in tracker.outputs] == [(3,)] * 4
    check.close(tracker.kernels[-1], empirical_ntk(model, x), atol=1e-6)
    with torch.no_grad():
        check.close(tracker.outputs[-1], model(x[:3])[:, 0], atol=1e-6)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="alpha must be positive"):
        ScaledOutput(nn.Linear(2, 1), alpha=0.0)
    with pytest.raises(TypeError, match="nn.Module"):
        ScaledOutput("net", alpha=1.0)
    with pytest.raises(ValueError, match="every must be at least 1"):
        KernelTracker(torch.zeros(3, 2), every=0)
    with pytest.raises(ValueError, match=r"x_eval has examples of shape \(3,\)"):
        KernelTracker(torch.zeros(3, 2), x_eval=torch.zeros(2, 3))
