import pytest
import torch

from dlbook import flows


def test_nice_structure():
    flow = flows.nice(4, couplings=3, hidden=8)
    kinds = [type(layer).__name__ for layer in flow.layers]
    assert kinds == ["AdditiveCoupling"] * 3 + ["DiagonalScaling"]
    assert [layer.mask.tolist() for layer in flow.layers[:3]] == [[1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]]


def test_realnvp_structure_and_options():
    flow = flows.realnvp(6, couplings=2, hidden=8, linear=True, logit=0.05)
    kinds = [type(layer).__name__ for layer in flow.layers]
    assert kinds == ["LogitTransform"] + ["ActNorm", "InvertibleLinear", "AffineCoupling"] * 2
    plain = flows.realnvp(2, couplings=4, actnorm=False)
    assert all(isinstance(layer, flows.AffineCoupling) for layer in plain.layers)
    masks = [flows.checkerboard_mask(2, 2, i % 2) for i in range(2)]
    custom = flows.realnvp(4, couplings=2, masks=masks)
    assert torch.equal(custom.layers[1].mask, masks[0])


def test_bad_arguments():
    with pytest.raises(ValueError, match="got 1 masks for 2 couplings"):
        flows.realnvp(4, couplings=2, masks=[flows.alternating_mask(4)])
    with pytest.raises(ValueError, match="couplings must be positive"):
        flows.nice(4, couplings=0)
