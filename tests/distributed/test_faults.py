import multiprocessing

import pytest

from dlbook import distributed


def test_a_worker_that_exits_is_named_as_the_cause():
    with pytest.raises(distributed.WorkerError, match="worker rank 0 exited with code 3") as caught:
        distributed.launch(distributed.faulty_worker, 2, 0, "exit", timeout=180)
    assert caught.value.rank == 0
    assert multiprocessing.active_children() == []


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="mode"):
        distributed.faulty_worker(0, 1, 0, "explode")


def test_without_a_fault_the_all_reduce_completes():
    import datetime

    import torch.distributed as dist

    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{distributed.free_port()}", rank=0,
                            world_size=1, timeout=datetime.timedelta(seconds=30))
    try:
        assert distributed.faulty_worker(0, 1, -1, "raise") == 1.0
    finally:
        dist.destroy_process_group()
