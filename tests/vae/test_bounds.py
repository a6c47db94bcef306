import math

import pytest
import torch

from dlbook.vae import VAE, NegativeELBO, elbo, gaussian_kl, iwae_bound


def small_model(seed=0, **kwargs):
    torch.manual_seed(seed)
    return VAE(6, 2, hidden=(5,), **kwargs).double()


def test_elbo_terms_add_up_and_beta_weights_the_kl():
    model = small_model()
    x = (torch.rand(4, 6, dtype=torch.float64) > 0.5).double()
    torch.manual_seed(3)
    terms = elbo(model, x, beta=2.0)
    torch.testing.assert_close(terms.elbo, terms.reconstruction - 2.0 * terms.kl)
    mu, logvar = model.encode(x)
    torch.testing.assert_close(terms.kl, gaussian_kl(mu, logvar))


def test_negative_elbo_is_the_mean_of_minus_the_elbo():
    model = small_model(likelihood="gaussian")
    x = torch.randn(5, 6, dtype=torch.float64)
    loss = NegativeELBO(model, beta=0.5)
    torch.manual_seed(0)
    output = model(x)
    torch.manual_seed(0)
    terms = elbo(model, x, beta=0.5)
    torch.testing.assert_close(loss(output, x), -terms.elbo.mean())
    torch.testing.assert_close(loss.kl(output, x), terms.kl.mean())


def test_iwae_with_one_sample_is_an_unbiased_elbo_estimate():
    model = small_model()
    x = (torch.rand(3, 6, dtype=torch.float64) > 0.5).double()
    g = torch.Generator().manual_seed(0)
    many = torch.stack([iwae_bound(model, x, 1, generator=g) for _ in range(4000)])
    kl = gaussian_kl(*model.encode(x))
    torch.manual_seed(0)
    with torch.no_grad():
        reconstructions = torch.stack([model.log_likelihood(model(x)[0], x) for _ in range(4000)])
    expected = reconstructions.mean(0) - kl
    standard_error = many.std(0) / math.sqrt(4000)
    assert ((many.mean(0) - expected).abs() < 5 * standard_error + 5 * reconstructions.std(0) / math.sqrt(4000)).all()


def test_iwae_equals_log_evidence_when_q_is_the_prior_and_the_decoder_ignores_z():
    model = small_model()
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.decoder[-1].bias.copy_(torch.linspace(-1, 1, 6, dtype=torch.float64))
    x = (torch.rand(3, 6, dtype=torch.float64) > 0.5).double()
    log_px = torch.distributions.Bernoulli(logits=model.decoder[-1].bias).log_prob(x).sum(1)
    torch.testing.assert_close(iwae_bound(model, x, 7), log_px)


def test_iwae_rises_with_k():
    model = small_model()
    with torch.no_grad():
        model.encoder[-1].bias[2:] += 2.0          # a wide q(z | x): the bounds are far apart
    x = (torch.rand(5, 6, dtype=torch.float64) > 0.5).double().repeat(400, 1)
    g = torch.Generator().manual_seed(0)
    bounds = [iwae_bound(model, x, k, generator=g).mean() for k in (1, 10, 200)]
    assert bounds[0] < bounds[1] < bounds[2]


def test_bounds_name_bad_input():
    model = small_model()
    with pytest.raises(ValueError, match="k must be"):
        iwae_bound(model, torch.zeros(2, 6, dtype=torch.float64), 0)
    with pytest.raises(TypeError, match="VAE"):
        elbo(torch.nn.Linear(2, 2), torch.zeros(2, 2))
    with pytest.raises(ValueError, match="beta"):
        NegativeELBO(model, beta=-1.0)
