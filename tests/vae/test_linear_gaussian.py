import math

import pytest
import torch

from dlbook.vae import LinearGaussian, ppca_fit


def model(seed=0, D=5, K=2):
    g = torch.Generator().manual_seed(seed)
    return LinearGaussian(torch.randn(D, K, generator=g, dtype=torch.float64),
                          torch.randn(D, generator=g, dtype=torch.float64), 0.3)


def test_log_evidence_is_the_elbo_plus_the_kl_to_the_posterior():
    lg = model()
    x = torch.randn(4, 5, dtype=torch.float64)
    mean, cov = lg.posterior(x)
    g = torch.Generator().manual_seed(1)
    m = torch.randn(4, 2, generator=g, dtype=torch.float64)
    A = torch.randn(2, 2, generator=g, dtype=torch.float64)
    S = A @ A.T + 0.1 * torch.eye(2, dtype=torch.float64)
    q = torch.distributions.MultivariateNormal(m, S)
    posterior = torch.distributions.MultivariateNormal(mean, cov)
    kl = torch.distributions.kl_divergence(q, posterior)
    torch.testing.assert_close(lg.log_marginal(x), lg.elbo(x, m, S) + kl)
    torch.testing.assert_close(lg.elbo(x, mean, cov), lg.log_marginal(x))


def test_posterior_is_bayes_rule_on_a_grid():
    lg = LinearGaussian(torch.tensor([[2.0], [1.0]], dtype=torch.float64), torch.zeros(2, dtype=torch.float64), 0.5)
    x = torch.tensor([[1.0, 0.2]], dtype=torch.float64)
    z = torch.linspace(-6, 6, 20001, dtype=torch.float64)
    log_joint = (torch.distributions.Normal(0, 1).log_prob(z)
                 + torch.distributions.Normal(z[:, None] * lg.W[:, 0], math.sqrt(0.5)).log_prob(x).sum(1))
    weights = torch.softmax(log_joint, 0)
    mean, cov = lg.posterior(x)
    torch.testing.assert_close(mean[0, 0], (weights * z).sum(), atol=1e-6, rtol=0)
    torch.testing.assert_close(cov[0, 0], (weights * (z - mean[0, 0]) ** 2).sum(), atol=1e-6, rtol=0)
    dz = z[1] - z[0]
    torch.testing.assert_close(lg.log_marginal(x)[0], torch.logsumexp(log_joint, 0) + dz.log(), atol=1e-6, rtol=0)


def test_ppca_recovers_the_generating_model_and_beats_other_models():
    true = model(seed=2, D=6, K=2)
    g = torch.Generator().manual_seed(3)
    X = (torch.randn(20000, 2, generator=g, dtype=torch.float64) @ true.W.T + true.b
         + math.sqrt(true.sigma2) * torch.randn(20000, 6, generator=g, dtype=torch.float64))
    fitted = ppca_fit(X, 2)
    assert abs(fitted.sigma2 - true.sigma2) < 0.02
    torch.testing.assert_close(fitted.covariance(), true.covariance(), atol=0.1, rtol=0.05)
    best = fitted.log_marginal(X).mean()
    assert best >= true.log_marginal(X).mean()
    rotated = LinearGaussian(fitted.W @ torch.tensor([[0.0, -1.0], [1.0, 0.0]], dtype=torch.float64), fitted.b,
                             fitted.sigma2)
    torch.testing.assert_close(rotated.log_marginal(X).mean(), best)   # W is defined up to a rotation
    assert LinearGaussian(fitted.W * 1.1, fitted.b, fitted.sigma2).log_marginal(X).mean() < best


def test_linear_gaussian_names_bad_input():
    with pytest.raises(ValueError, match="sigma2"):
        LinearGaussian(torch.zeros(3, 2), torch.zeros(3), 0.0)
    with pytest.raises(ValueError, match=r"b: \(D,\)"):
        LinearGaussian(torch.zeros(3, 2), torch.zeros(2), 1.0)
    lg = model()
    with pytest.raises(ValueError, match=r"\(N, 5\)"):
        lg.log_marginal(torch.zeros(3, 4, dtype=torch.float64))
    with pytest.raises(ValueError, match="latent_dim"):
        ppca_fit(torch.zeros(10, 3), 3)
