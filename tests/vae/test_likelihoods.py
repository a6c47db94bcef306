import pytest
import torch

from dlbook.vae import bernoulli_log_likelihood, gaussian_log_likelihood


def test_bernoulli_log_likelihood_equals_torch_on_binary_images():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(5, 2, 3, generator=g, dtype=torch.float64)
    x = (torch.rand(5, 2, 3, generator=g) > 0.5).double()
    expected = torch.distributions.Bernoulli(logits=logits).log_prob(x).flatten(1).sum(1)
    torch.testing.assert_close(bernoulli_log_likelihood(logits, x), expected)


def test_gaussian_log_likelihood_equals_torch_for_a_number_and_a_learned_variance():
    g = torch.Generator().manual_seed(1)
    mean, x = torch.randn(2, 4, 6, generator=g, dtype=torch.float64)
    for var in (0.3, torch.tensor(2.0, dtype=torch.float64)):
        expected = torch.distributions.Normal(mean, torch.as_tensor(var).sqrt()).log_prob(x).sum(1)
        torch.testing.assert_close(gaussian_log_likelihood(mean, x, var), expected)


def test_likelihoods_name_mismatched_shapes():
    with pytest.raises(ValueError, match="same shape"):
        bernoulli_log_likelihood(torch.zeros(2, 3), torch.zeros(2, 4))
    with pytest.raises(ValueError, match="same shape"):
        gaussian_log_likelihood(torch.zeros(3), torch.zeros(3), 1.0)
    with pytest.raises(ValueError, match="positive"):
        gaussian_log_likelihood(torch.zeros(2, 3), torch.zeros(2, 3), 0.0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        bernoulli_log_likelihood(torch.zeros(2, 3), torch.full((2, 3), 2.0))
