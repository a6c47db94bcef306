import pytest
import torch

from dlbook.vae import Autoencoder, interpolate


def test_autoencoder_shapes_and_eval_mode_is_deterministic():
    torch.manual_seed(0)
    ae = Autoencoder(10, 3, hidden=(7,), noise=0.5).eval()
    x = torch.rand(4, 10)
    assert ae.encode(x).shape == (4, 3) and ae(x).shape == (4, 10)
    assert torch.equal(ae(x), ae(x)), "no noise in eval mode"
    assert torch.equal(ae(x), ae.decode(ae.encode(x)))


def test_denoising_autoencoder_masks_inputs_in_training_mode_only():
    torch.manual_seed(0)
    ae = Autoencoder(200, 2, hidden=(), noise=0.5).train()
    seen = []
    ae.encoder.register_forward_hook(lambda m, inputs, out: seen.append(inputs[0]))
    ae(torch.ones(3, 200))
    zeroed = (seen[0] == 0).float().mean()
    assert 0.35 < zeroed < 0.65
    ae.eval()(torch.ones(3, 200))
    assert (seen[1] == 1).all()


def test_interpolate_runs_from_one_code_to_the_other():
    z0, z1 = torch.tensor([0.0, 2.0]), torch.tensor([4.0, -2.0])
    path = interpolate(z0, z1, 5)
    assert torch.equal(path[0], z0) and torch.equal(path[-1], z1)
    torch.testing.assert_close(path[2], (z0 + z1) / 2)


def test_autoencoder_names_bad_input():
    with pytest.raises(ValueError, match="masking probability"):
        Autoencoder(4, 2, noise=1.0)
    ae = Autoencoder(4, 2)
    with pytest.raises(ValueError, match=r"\(N, 4\)"):
        ae(torch.zeros(3, 5))
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        ae.decode(torch.zeros(3))
    with pytest.raises(ValueError, match="one length"):
        interpolate(torch.zeros(2), torch.zeros(3), 4)
    with pytest.raises(ValueError, match="steps"):
        interpolate(torch.zeros(2), torch.zeros(2), 0)
