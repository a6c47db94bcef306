"""Start a process group: spawn ``world_size`` workers, collect their results, never hang.

Workers must be functions of the package (``spawn`` pickles them by name, so a
function defined in a notebook's ``__main__`` cannot be started). Each worker is
called as ``fn(rank, world_size, *args)`` inside an initialised process group
and its return value comes back to the caller, pickled to bytes in the child
(so tensors are copied, not shared through memory the exiting child owns).
"""
from __future__ import annotations

import datetime
import os
import pickle
import queue as queue_module
import socket
import time
import traceback
from typing import Any, Callable, Sequence

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from ..config import get_device


class WorkerError(RuntimeError):
    """A worker raised, exited early or did not finish in time; ``rank`` says which one (None: several)."""

    def __init__(self, message: str, rank: int | None):
        super().__init__(message)
        self.rank = rank


def free_port() -> int:
    """A TCP port on 127.0.0.1 that no process listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def default_backend(world_size: int = 1) -> str:
    """``"nccl"`` when CUDA offers at least ``world_size`` GPUs (one per rank), else ``"gloo"``."""
    if (get_device().type == "cuda" and dist.is_nccl_available()
            and torch.cuda.device_count() >= world_size):
        return "nccl"
    return "gloo"


def worker_device() -> torch.device:
    """Inside a process group: this rank's GPU under NCCL, the CPU under gloo."""
    if dist.is_initialized() and dist.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def _check_world(world_size) -> None:
    if isinstance(world_size, bool) or not isinstance(world_size, int):
        raise TypeError(f"world_size must be an int, got {type(world_size).__name__}")
    if world_size < 1:
        raise ValueError(f"world_size must be at least 1, got {world_size}")


def _entry(rank: int, world_size: int, port: int, backend: str, collective_timeout: float,
           fn: Callable, args: tuple, results) -> None:
    """What each spawned process runs: join the group, call ``fn``, report a result or a traceback."""
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank),
                      WORLD_SIZE=str(world_size), LOCAL_RANK=str(rank))
    torch.set_num_threads(1)
    try:
        if backend == "nccl":
            torch.cuda.set_device(rank % torch.cuda.device_count())
        dist.init_process_group(backend, rank=rank, world_size=world_size,
                                timeout=datetime.timedelta(seconds=collective_timeout))
        value = fn(rank, world_size, *args)
        results.put((rank, "ok", pickle.dumps(value)))
    except BaseException:  # noqa: BLE001 — every failure goes back to the parent, with its rank
        results.put((rank, "error", traceback.format_exc()))
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()


def _stop(processes: Sequence, grace: float) -> None:
    """Join every process; terminate, then kill, whatever is still running after ``grace`` seconds."""
    processes = [p for p in processes if p.pid is not None]  # started ones only
    deadline = time.monotonic() + grace
    for p in processes:
        p.join(max(0.0, deadline - time.monotonic()))
    for p in processes:
        if p.is_alive():
            p.terminate()
    for p in processes:
        p.join(2.0)
        if p.is_alive():
            p.kill()
            p.join()


def launch(fn: Callable[..., Any], world_size: int, *args, timeout: float = 300.0,
           backend: str | None = None, collective_timeout: float | None = None) -> list:
    """Run ``fn(rank, world_size, *args)`` in ``world_size`` spawned processes; return their results by rank.

    ``backend``: ``"gloo"`` or ``"nccl"`` (default :func:`default_backend`). The port is picked free at
    run time. If a worker raises, exits without a result, or the whole run takes longer than ``timeout``
    seconds, the other workers are terminated and :class:`WorkerError` is raised naming the rank (and
    carrying the worker's traceback). Collectives give up after ``collective_timeout`` seconds
    (default ``timeout``). No process is left running when this returns or raises.
    """
    if not callable(fn):
        raise TypeError(f"fn must be a function of a module, got {type(fn).__name__}")
    if getattr(fn, "__module__", None) == "__main__" or "<locals>" in getattr(fn, "__qualname__", ""):
        raise ValueError(f"{fn.__qualname__} is defined in __main__ or inside a function; spawned workers "
                         "can only start functions importable from a module (put it in a package)")
    _check_world(world_size)
    if not timeout > 0:
        raise ValueError(f"timeout must be positive seconds, got {timeout!r}")
    backend = backend or default_backend(world_size)
    if backend not in ("gloo", "nccl"):
        raise ValueError(f"backend must be 'gloo' or 'nccl', got {backend!r}")
    if backend == "nccl" and torch.cuda.device_count() < world_size:
        raise ValueError(f"nccl needs one GPU per rank: world_size={world_size}, "
                         f"{torch.cuda.device_count()} GPUs here")
    context = mp.get_context("spawn")
    results = context.Queue()
    port = free_port()
    processes = [context.Process(target=_entry, daemon=True,
                                 args=(rank, world_size, port, backend, collective_timeout or timeout,
                                       fn, args, results))
                 for rank in range(world_size)]
    done: dict[int, Any] = {}
    exits: dict[int, int] = {}  # rank → exit code of a worker that died without reporting
    errors: dict[int, str] = {}  # rank → traceback, in order of arrival
    deadline = time.monotonic() + timeout
    settle = None  # after a first failure, a moment to see which failure caused the others
    try:
        for p in processes:
            p.start()
        while len(done) < world_size and (settle is None or time.monotonic() < settle):
            try:
                rank, status, payload = results.get(timeout=0.05)
                if status == "error":
                    errors[rank] = payload
                else:
                    done[rank] = pickle.loads(payload)
            except queue_module.Empty:
                for rank, p in enumerate(processes):
                    if rank not in done and rank not in errors and p.exitcode not in (None, 0):
                        exits.setdefault(rank, p.exitcode)
                if time.monotonic() > deadline and not (errors or exits):
                    missing = [r for r in range(world_size) if r not in done]
                    raise WorkerError(f"timeout: ranks {missing} had not finished after {timeout:g} s "
                                      "(a worker is stuck, or waits for one that is)",
                                      missing[0] if len(missing) == 1 else None)
            if (errors or exits) and settle is None:
                settle = time.monotonic() + 1.0
        if errors or exits:  # a worker that died is the cause; errors of the others follow from it
            lines = [f"worker rank {r} exited with code {code} without returning a result"
                     for r, code in exits.items()]
            lines += [f"worker rank {r} raised:\n{text}" for r, text in errors.items() if r not in exits]
            first = next(iter(exits), None) if exits else next(iter(errors))
            raise WorkerError("\n".join(lines), first)
    finally:
        _stop(processes, grace=10.0 if len(done) == world_size else 0.0)
        results.close()
        results.join_thread()
    return [done[rank] for rank in range(world_size)]


def run_all(rank: int, world_size: int, jobs: Sequence[tuple[Callable, tuple]]) -> list:
    """A worker that runs several workers in turn in one process group: ``[fn(rank, world_size, *a) for fn, a in jobs]``.

    Spawning costs an import of torch per process; one :func:`launch` of ``run_all``
    pays it once for a whole experiment.
    """
    out = []
    for fn, job_args in jobs:
        out.append(fn(rank, world_size, *job_args))
        dist.barrier()
    return out
