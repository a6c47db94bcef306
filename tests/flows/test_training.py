import pytest
import torch

import dlbook
from dlbook import flows


def gaussian_data(n=400, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(n, 2, generator=gen) * torch.tensor([2.0, 0.5]) + torch.tensor([1.0, -3.0])


def test_learns_a_gaussian_to_its_entropy():
    torch.manual_seed(0)
    X, val = gaussian_data(), gaussian_data(2000, seed=1)
    flow = flows.Flow([flows.ActNorm(2)])
    history = flows.train_flow(flow, X, epochs=30, batch_size=100, lr=1e-2, val=val, device="cpu")
    assert history.keys() == ["loss", "val_loss"] and len(history) == 30
    # the entropy per dimension of N(μ, diag(4, 0.25)): ½ log(2πe) + ½ (log 2 + log 0.5)
    entropy = 0.5 * torch.log(torch.tensor(2 * torch.pi * torch.e)).item()
    assert abs(history["val_loss"][-1] - entropy) < 0.03
    assert abs(flows.mean_nll(flow, val) - history["val_loss"][-1]) < 1e-6


def test_dequantised_training_and_snapshots():
    torch.manual_seed(0)
    K = torch.randint(0, 4, (64, 3)).float()
    flow = flows.realnvp(3, couplings=2, hidden=8, logit=0.05)
    seen = []
    history = flows.train_flow(flow, K, epochs=3, batch_size=32, val=K[:16], dequantize=4, device="cpu",
                               on_epoch_end=lambda epoch, f: seen.append(epoch))
    assert seen == [1, 2, 3] and all(torch.isfinite(torch.tensor(history["val_loss"])))


def test_divergence_names_epoch_and_step():
    flow = flows.Flow([flows.DiagonalScaling(2)])
    with torch.no_grad():
        flow.layers[0].log_scale.fill_(float("nan"))
    with pytest.raises(dlbook.TrainingDiverged, match="at epoch 1, step 1"):
        flows.train_flow(flow, torch.randn(10, 2), epochs=2, device="cpu")


def test_keyboard_interrupt_keeps_the_history():
    def stop(epoch, flow):
        if epoch == 2:
            raise KeyboardInterrupt

    history = flows.train_flow(flows.Flow([flows.ActNorm(2)]), torch.randn(20, 2), epochs=5, device="cpu",
                               on_epoch_end=stop)
    assert history.interrupted and len(history) == 2


def test_bad_arguments():
    flow, X = flows.Flow([flows.ActNorm(2)]), torch.randn(10, 2)
    with pytest.raises(TypeError, match="flow must be a dlbook.flows.Flow"):
        flows.train_flow(torch.nn.Linear(2, 2), X, epochs=1)
    with pytest.raises(ValueError, match=r"X must be a tensor of shape \(N, 2\)"):
        flows.train_flow(flow, torch.randn(10, 3), epochs=1)
    with pytest.raises(ValueError, match="val must be"):
        flows.train_flow(flow, X, epochs=1, val=torch.randn(3))
    with pytest.raises(ValueError, match="X is empty"):
        flows.train_flow(flow, X[:0], epochs=1)
    with pytest.raises(ValueError, match="epochs must be a non-negative int"):
        flows.train_flow(flow, X, epochs=-1)
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        flows.train_flow(flow, X, epochs=1, batch_size=0)
    with pytest.raises(ValueError, match="lr must be positive"):
        flows.train_flow(flow, X, epochs=1, lr=0.0)
    with pytest.raises(ValueError, match=r"X must be a tensor of shape"):
        flows.mean_nll(flow, torch.randn(3, 5))
