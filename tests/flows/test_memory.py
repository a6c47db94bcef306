import pytest
import torch

from dlbook import backprop, flows


def test_revnet_memory_is_flat_in_depth_and_ordinary_backprop_linear():
    x = torch.randn(16, 8, requires_grad=True)
    sizes = {}
    for memory_saving in (True, False):
        for depth in (1, 2, 4):
            net = flows.rev_mlp(8, 16, depth, memory_saving=memory_saving)
            sizes[memory_saving, depth] = backprop.saved_bytes(lambda: net(x), exclude=net.parameters())[0]
    assert sizes[True, 1] == sizes[True, 2] == sizes[True, 4] == 16 * 8 * 4  # just the output
    step = sizes[False, 2] - sizes[False, 1]
    assert step > 0 and sizes[False, 4] - sizes[False, 2] == 2 * step


def test_bad_arguments():
    with pytest.raises(ValueError, match="needs a CUDA device"):
        flows.cuda_held_bytes(lambda: torch.zeros(2), torch.device("cpu"))
