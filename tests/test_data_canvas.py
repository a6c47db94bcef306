import pytest
import torch

from dlbook import data


def test_digits_land_where_the_positions_say():
    images = torch.rand(20, 1, 4, 3) + 0.1
    labels = torch.arange(20)
    X, y, pos = data.digits_on_canvas(images, labels, 10, columns=(5, 7), seed=1)
    assert X.shape == (20, 1, 10, 10) and torch.equal(y, labels)
    assert (pos[:, 1] >= 5).all() and (pos[:, 1] <= 7).all() and (pos[:, 0] <= 6).all()
    for i, (top, left) in enumerate(pos.tolist()):
        assert torch.equal(X[i, :, top:top + 4, left:left + 3], images[i])
        assert X[i].sum() == pytest.approx(images[i].sum().item(), rel=1e-6)
    X2, _, pos2 = data.digits_on_canvas(images, labels, 10, columns=(5, 7), seed=1)
    assert torch.equal(X, X2) and torch.equal(pos, pos2)


def test_bad_input_names_the_problem():
    images = torch.rand(2, 1, 4, 4)
    with pytest.raises(ValueError, match="columns"):
        data.digits_on_canvas(images, torch.arange(2), 8, columns=(3, 5))
    with pytest.raises(ValueError, match="rows"):
        data.digits_on_canvas(images, torch.arange(2), 8, columns=(0, 1), rows=(2, 1))
    with pytest.raises(ValueError, match="shape"):
        data.digits_on_canvas(images[:, 0], torch.arange(2), 8, columns=(0, 1))
    with pytest.raises(ValueError, match="length"):
        data.digits_on_canvas(images, torch.arange(3), 8, columns=(0, 1))
