import pytest
import torch

from dlbook import fit
from dlbook.vae import VAE, KLWarmup, NegativeELBO


def test_warmup_ramps_beta_linearly_over_the_steps():
    torch.manual_seed(0)
    model = VAE(6, 2, hidden=(4,))
    loss = NegativeELBO(model, beta=1.0)
    seen = []

    class Record(KLWarmup):
        def on_before_step(self, state):
            seen.append(self.loss.beta)

    X = (torch.rand(40, 6) > 0.5).float()
    fit(model, (X, X), loss_fn=loss, optimizer=torch.optim.SGD(model.parameters(), 0.01), epochs=2,
        batch_size=10, callbacks=[Record(loss, steps=4, beta=2.0)], progress=False)
    assert seen == [0.0, 0.5, 1.0, 1.5, 2.0, 2.0, 2.0, 2.0]


def test_warmup_names_bad_input():
    model = VAE(6, 2)
    with pytest.raises(TypeError, match="NegativeELBO"):
        KLWarmup(lambda out, x: 0, steps=3)
    with pytest.raises(ValueError, match="steps"):
        KLWarmup(NegativeELBO(model), steps=0)
