import pytest
from torch import nn

from dlbook.vae._mlp import check_sizes, mlp


def test_mlp_without_hidden_layers_is_one_linear_map():
    net = mlp(5, (), 3)
    assert len(net) == 1 and isinstance(net[0], nn.Linear) and net[0].weight.shape == (3, 5)


def test_mlp_puts_relus_between_layers_only():
    net = mlp(5, (8, 4), 3)
    assert [type(m) for m in net] == [nn.Linear, nn.ReLU, nn.Linear, nn.ReLU, nn.Linear]
    assert [m.out_features for m in net if isinstance(m, nn.Linear)] == [8, 4, 3]


@pytest.mark.parametrize("sizes", [dict(n=0), dict(n=2.0), dict(n=True)])
def test_check_sizes_names_the_bad_size(sizes):
    with pytest.raises(ValueError, match="n must be a positive int"):
        check_sizes(**sizes)


def test_mlp_names_a_bad_hidden_width():
    with pytest.raises(ValueError, match=r"hidden\[1\]"):
        mlp(4, (3, 0), 2)
