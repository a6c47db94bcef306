import pytest
import torch

from dlbook import distributed

from .conftest import CONFIG


def test_every_rank_ends_with_the_single_process_parameters(world3):
    reference = distributed.single_process_sgd(3, CONFIG)
    for result in world3["sync"]:
        torch.testing.assert_close(result["parameters"], reference, atol=1e-12, rtol=0)
        assert len(result["step_seconds"]) == CONFIG.steps


def test_shards_tile_the_batch():
    batch = torch.arange(12).view(6, 2)
    torch.testing.assert_close(torch.cat([distributed.shard(batch, r, 3) for r in range(3)]), batch)


def test_the_model_and_data_are_the_same_on_every_call():
    a, b = distributed.make_model(CONFIG), distributed.make_model(CONFIG)
    torch.testing.assert_close(distributed.flat_parameters(a), distributed.flat_parameters(b))
    X, y = distributed.make_batches(CONFIG, 3)
    assert X.shape == (CONFIG.steps, 3 * CONFIG.batch_per_worker, CONFIG.features) and y.shape[-1] == 1
    torch.testing.assert_close(distributed.make_batches(CONFIG, 3)[0], X)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="equal shards"):
        distributed.shard(torch.zeros(5, 2), 0, 2)
    with pytest.raises(ValueError, match="rank"):
        distributed.shard(torch.zeros(4, 2), 2, 2)
    with pytest.raises(ValueError, match="steps"):
        distributed.SGDConfig(steps=0)
    with pytest.raises(ValueError, match="momentum"):
        distributed.SGDConfig(momentum=1.0)
    with pytest.raises(ValueError, match="lr"):
        distributed.SGDConfig(lr=-0.1)
