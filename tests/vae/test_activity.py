import pytest
import torch

from dlbook.vae import VAE, active_units


def test_a_unit_whose_mean_ignores_the_input_is_inactive():
    torch.manual_seed(0)
    model = VAE(5, 3, hidden=())
    with torch.no_grad():
        model.encoder[0].weight[1].zero_()         # the mean of unit 1 no longer depends on x
        model.encoder[0].weight[0].mul_(10.0)
    x = torch.randn(200, 5)
    count, activity = active_units(model, x)
    assert activity.shape == (3,) and activity[1] == 0
    assert count == int((activity > 0.01).sum()) and activity[0] > 0.01
    assert model.training, "the model's mode is restored"


def test_active_units_names_bad_input():
    model = VAE(5, 3)
    with pytest.raises(ValueError, match="N ≥ 2"):
        active_units(model, torch.zeros(1, 5))
    with pytest.raises(ValueError, match="threshold"):
        active_units(model, torch.zeros(4, 5), threshold=-1)
