import pytest
import torch

from dlbook.vae import AutoregressiveVAE, elbo, iwae_bound


def model(seed=0):
    torch.manual_seed(seed)
    return AutoregressiveVAE(6, 2, hidden=(5,)).double()


def test_each_logit_depends_only_on_the_code_and_earlier_pixels():
    m = model()
    z = torch.randn(1, 2, dtype=torch.float64)
    x = torch.rand(1, 6, dtype=torch.float64, requires_grad=True)
    jacobian = torch.autograd.functional.jacobian(lambda x: m.decode(z, None, x)[0], x)[:, 0]  # (6, 6)
    assert (jacobian.triu() == 0).all(), "no pixel sees itself or a later one"
    assert (jacobian.tril(-1)[1:, :-1].diagonal() != 0).all()


def test_likelihood_is_a_product_of_conditionals_that_sums_to_one():
    m = model()
    z = torch.randn(1, 2, dtype=torch.float64)
    images = torch.cartesian_prod(*[torch.tensor([0.0, 1.0], dtype=torch.float64)] * 6)  # all 64 binary images
    logits = m.decode(z.expand(64, 2), None, images)
    total = torch.logsumexp(m.log_likelihood(logits, images), 0).exp()
    torch.testing.assert_close(total, torch.tensor(1.0, dtype=torch.float64))


def test_samples_follow_the_decoder():
    m = model().float()
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        m.encoder[-1].bias.zero_()
        for p in (*m.decoder.parameters(), *m.context.parameters()):
            p.zero_()
        m.context.bias.copy_(torch.tensor([-2.0, 0.0, 2.0, -2.0, 0.0, 2.0]))
    samples = m.sample(4000, generator=g)
    assert set(samples.unique().tolist()) <= {0.0, 1.0}
    torch.testing.assert_close(samples.mean(0), torch.sigmoid(m.context.bias), atol=0.03, rtol=0)


def test_elbo_works_and_decoding_without_pixels_is_refused():
    m = model()
    x = (torch.rand(3, 6, dtype=torch.float64) > 0.5).double()
    assert elbo(m, x).elbo.shape == (3,)
    with pytest.raises(ValueError, match="needs the image"):
        m.decode(torch.zeros(3, 2, dtype=torch.float64))
    with pytest.raises(ValueError, match="needs the image"):
        iwae_bound(m, x, 2)
