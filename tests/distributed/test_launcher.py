import multiprocessing
import sys

import pytest
import torch

from dlbook import distributed


def _nothing_left_running():
    assert multiprocessing.active_children() == []


def test_a_worker_that_raises_is_named_and_nothing_hangs():
    with pytest.raises(distributed.WorkerError, match=r"worker rank 1 raised:(.|\n)*ArithmeticError") as caught:
        distributed.launch(distributed.faulty_worker, 2, 1, "raise", timeout=180)
    assert caught.value.rank == 1
    _nothing_left_running()


def test_a_worker_that_hangs_times_out_and_is_terminated():
    # world_size 1 keeps it cheap; with a peer, the peer waits in its all-reduce and is terminated too
    with pytest.raises(distributed.WorkerError, match="timeout: ranks \\[0\\]") as caught:
        distributed.launch(distributed.faulty_worker, 1, 0, "hang", timeout=4)
    assert caught.value.rank == 0
    _nothing_left_running()


def test_ports_are_free_and_change():
    import socket

    port = distributed.free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))  # nobody else holds it


def test_the_default_backend_follows_the_device():
    expected = "nccl" if torch.cuda.is_available() and torch.cuda.device_count() >= 2 else "gloo"
    assert distributed.default_backend(2) == expected
    assert distributed.worker_device() == torch.device("cpu")  # outside a process group


def test_run_all_runs_jobs_in_order(monkeypatch):
    calls = []
    monkeypatch.setattr(sys.modules["dlbook.distributed.launcher"].dist, "barrier", lambda: calls.append("barrier"))
    out = distributed.run_all(0, 1, [(lambda r, n, a: a + r + n, (1,)), (lambda r, n: "second", ())])
    assert out == [2, "second"] and calls == ["barrier", "barrier"]


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="__main__ or inside a function"):
        distributed.launch(lambda rank, world_size: rank, 2)
    with pytest.raises(TypeError, match="fn must be"):
        distributed.launch(3, 2)
    with pytest.raises(TypeError, match="world_size must be an int"):
        distributed.launch(distributed.faulty_worker, 2.0)
    with pytest.raises(ValueError, match="world_size must be at least 1"):
        distributed.launch(distributed.faulty_worker, 0)
    with pytest.raises(ValueError, match="backend"):
        distributed.launch(distributed.faulty_worker, 1, backend="mpi")
    with pytest.raises(ValueError, match="timeout"):
        distributed.launch(distributed.faulty_worker, 1, timeout=0)
    if torch.cuda.device_count() < 64:
        with pytest.raises(ValueError, match="one GPU per rank"):
            distributed.launch(distributed.faulty_worker, 64, backend="nccl")
