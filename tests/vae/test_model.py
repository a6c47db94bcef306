import pytest
import torch

from dlbook.vae import VAE


def test_forward_returns_decoder_output_and_posterior_parameters():
    torch.manual_seed(0)
    model = VAE(12, 3, hidden=(8,))
    out, mu, logvar = model(torch.rand(5, 12))
    assert out.shape == (5, 12) and mu.shape == logvar.shape == (5, 3)


def test_forward_is_the_decoder_at_a_reparameterised_sample():
    torch.manual_seed(0)
    model = VAE(6, 2, hidden=(5,))
    x = torch.rand(4, 6)
    torch.manual_seed(1)
    out, mu, logvar = model(x)
    torch.manual_seed(1)
    eps = torch.randn(4, 2)
    torch.testing.assert_close(out, model.decode(mu + (0.5 * logvar).exp() * eps))


def test_gradients_reach_both_networks_through_the_sample():
    model = VAE(6, 2, hidden=(5,), likelihood="gaussian")
    out, mu, logvar = model(torch.rand(4, 6))
    out.sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in model.encoder.parameters())


def test_conditional_vae_sees_the_class():
    torch.manual_seed(0)
    model = VAE(6, 2, hidden=(5,), num_classes=3)
    z = torch.zeros(2, 2)
    a = model.decode(z, torch.tensor([0, 0]))
    b = model.decode(z, torch.tensor([0, 2]))
    assert torch.equal(a[0], b[0]) and not torch.equal(a[1], b[1])
    assert model.sample(4, torch.tensor([1, 1, 1, 1])).shape == (4, 6)


def test_samples_are_expected_images():
    model = VAE(6, 2, hidden=(5,))
    s = model.sample(7, generator=torch.Generator().manual_seed(0))
    assert s.shape == (7, 6) and ((s > 0) & (s < 1)).all()


def test_vae_names_bad_input():
    with pytest.raises(ValueError, match="likelihood"):
        VAE(4, 2, likelihood="poisson")
    model = VAE(4, 2)
    with pytest.raises(ValueError, match=r"\(N, 4\)"):
        model(torch.zeros(3, 5))
    with pytest.raises(ValueError, match="not conditional"):
        model(torch.zeros(3, 4), torch.zeros(3, dtype=torch.int64))
    conditional = VAE(4, 2, num_classes=3)
    with pytest.raises(ValueError, match="class indices"):
        conditional(torch.zeros(3, 4))
    with pytest.raises(ValueError, match=r"0 … 2"):
        conditional(torch.zeros(3, 4), torch.tensor([0, 1, 3]))
    with pytest.raises(ValueError, match="n must be"):
        model.sample(0)
