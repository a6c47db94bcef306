import math

import pytest
import torch
from torch import nn

import dlbook
from dlbook import gan
from dlbook.data.mixtures import ring_of_gaussians
from dlbook.normalization import SpectralNorm


def _pair(spectral=False):
    torch.manual_seed(0)
    return gan.toy_generator(2, 16, 2), gan.toy_discriminator(2, 16, 2, spectral=spectral)


def _adam(*nets, lr=1e-3):
    return [torch.optim.Adam(n.parameters(), lr, betas=(0.5, 0.999)) for n in nets]


def test_train_gan_logs_means_and_moves_the_generator_towards_the_data():
    X, _ = ring_of_gaussians(512, std=0.05)
    G, D = _pair()
    before = G(torch.randn(500, 2)).norm(dim=1).mean().item()
    go, do = _adam(G, D, lr=3e-3)
    seen = []
    h = gan.train_gan(G, D, X, latent_dim=2, steps=200, g_optimizer=go, d_optimizer=do, batch_size=128,
                      log_every=50, on_log=lambda step, g, d: seen.append(step))
    assert h.epochs == [50, 100, 150, 200] == seen and h.keys() == ["d_loss", "g_loss"]
    after = G(torch.randn(500, 2)).norm(dim=1).mean().item()
    assert abs(after - 2.0) < abs(before - 2.0)  # samples move out towards the ring of radius 2
    h2 = gan.train_gan(G, D, X, latent_dim=2, steps=50, g_optimizer=go, d_optimizer=do, log_every=50,
                       loss="saturating", r1_gamma=1.0)
    assert len(h2) == 1 and all(math.isfinite(v) for v in h2["d_loss"])


def test_train_wgan_with_gradient_penalty_and_with_clipping():
    X, _ = ring_of_gaussians(256, std=0.05)
    G, C = _pair()
    go, co = _adam(G, C)
    h = gan.train_wgan(G, C, X, latent_dim=2, steps=20, g_optimizer=go, c_optimizer=co, n_critic=2, log_every=10)
    assert h.keys() == ["critic_loss", "g_loss", "w_estimate", "penalty"] and len(h) == 2
    assert h["penalty"][-1] >= 0
    gan.train_wgan(G, C, X, latent_dim=2, steps=5, g_optimizer=go, c_optimizer=co, penalty="clip",
                   clip_value=0.02, log_every=5)
    assert all(p.abs().max() <= 0.02 for p in C.parameters())


def _count_spectral_norm_calls(D):
    norms = [m for m in D.modules() if isinstance(m, SpectralNorm)]
    calls = [0]
    for m in norms:
        m.register_forward_hook(lambda *_: calls.__setitem__(0, calls[0] + 1))
    return norms, calls


def test_a_spectrally_normalised_weight_is_computed_once_per_update():
    """One power iteration per layer for the discriminator's update (which calls it on real and fake data,
    and the critic's also on interpolates) and one for the generator's, as torch's spectral_norm does."""
    X, _ = ring_of_gaussians(256, std=0.05)
    G, D = _pair(spectral=True)
    norms, calls = _count_spectral_norm_calls(D)
    go, do = _adam(G, D)
    gan.train_gan(G, D, X, latent_dim=2, steps=3, g_optimizer=go, d_optimizer=do, log_every=3, r1_gamma=1.0)
    assert calls[0] == len(norms) * 3 * 2
    G, C = _pair(spectral=True)
    norms, calls = _count_spectral_norm_calls(C)
    go, co = _adam(G, C)
    gan.train_wgan(G, C, X, latent_dim=2, steps=2, n_critic=3, g_optimizer=go, c_optimizer=co, log_every=2)
    assert calls[0] == len(norms) * 2 * (3 + 1)


def test_conditional_gan_passes_labels_to_both_networks():
    calls = []

    class Cond(nn.Module):
        def __init__(self, out):
            super().__init__()
            self.net = nn.Linear(3, out)

        def forward(self, x, labels):
            calls.append(labels.clone())
            return self.net(torch.cat([x, labels[:, None].float()], 1))

    G, D = Cond(2), Cond(1)
    X, y = torch.randn(40, 2), torch.arange(40) % 4
    go, do = _adam(G, D)
    gan.train_gan(G, D, X, labels=y, latent_dim=2, steps=3, batch_size=8, g_optimizer=go, d_optimizer=do, log_every=1)
    assert all(len(c) == 8 for c in calls)


def test_divergence_is_named_and_keeps_the_history():
    X, _ = ring_of_gaussians(64)
    G, D = _pair()
    go, do = _adam(G, D)
    gan.train_gan(G, D, X, latent_dim=2, steps=2, g_optimizer=go, d_optimizer=do, log_every=1)
    with torch.no_grad():
        D[0].weight.fill_(float("nan"))
    with pytest.raises(dlbook.TrainingDiverged, match="train_gan: d_loss became nan at step 1") as err:
        gan.train_gan(G, D, X, latent_dim=2, steps=5, g_optimizer=go, d_optimizer=do, log_every=1)
    assert len(err.value.history) == 0


def test_ctrl_c_returns_the_history_so_far():
    X, _ = ring_of_gaussians(64)
    G, C = _pair()
    go, co = _adam(G, C)

    def interrupt(step, g, d):
        if step == 2:
            raise KeyboardInterrupt

    h = gan.train_wgan(G, C, X, latent_dim=2, steps=10, g_optimizer=go, c_optimizer=co, n_critic=1, log_every=1,
                       on_log=interrupt)
    assert h.interrupted and len(h) == 2


def test_bad_input_names_the_problem():
    X, _ = ring_of_gaussians(64)
    G, D = _pair()
    go, do = _adam(G, D)
    kw = dict(latent_dim=2, steps=1, g_optimizer=go, d_optimizer=do)
    with pytest.raises(ValueError, match="loss must be one of"):
        gan.train_gan(G, D, X, loss="hinge", **kw)
    with pytest.raises(TypeError, match="discriminator must be a torch.nn.Module"):
        gan.train_gan(G, "D", X, **kw)
    with pytest.raises(ValueError, match="real must be a non-empty floating-point"):
        gan.train_gan(G, D, X.long(), **kw)
    with pytest.raises(ValueError, match="one label per sample"):
        gan.train_gan(G, D, X, labels=torch.zeros(3, dtype=torch.int64), **kw)
    with pytest.raises(TypeError, match="d_optimizer must be a torch.optim.Optimizer"):
        gan.train_gan(G, D, X, latent_dim=2, steps=1, g_optimizer=go, d_optimizer=None)
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        gan.train_gan(G, D, X, batch_size=0, **kw)
    with pytest.raises(ValueError, match="r1_gamma"):
        gan.train_gan(G, D, X, r1_gamma=-1.0, **kw)
    wkw = dict(latent_dim=2, steps=1, g_optimizer=go, c_optimizer=do)
    with pytest.raises(ValueError, match="penalty must be one of"):
        gan.train_wgan(G, D, X, penalty="sn", **wkw)
    with pytest.raises(ValueError, match="n_critic must be a positive int"):
        gan.train_wgan(G, D, X, n_critic=0, **wkw)
    with pytest.raises(ValueError, match="clip_value positive"):
        gan.train_wgan(G, D, X, clip_value=0.0, **wkw)
