"""Asynchronous SGD with a parameter server (rank 0) and ``isend``/``irecv``.

Workers (ranks 1 … N) loop: take the parameters they last received, compute a
minibatch gradient, send it to the server with the version it was computed on,
and receive fresh parameters. The server applies each gradient the moment it
arrives, from whichever worker sent it. No worker ever waits for another, so a
gradient may be computed on parameters that other workers have since updated:
its *staleness* is the number of updates applied in between.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.distributed as dist

from .staleness import least_squares


@dataclass(frozen=True)
class ServerConfig:
    """``updates`` asynchronous SGD updates on :func:`~dlbook.distributed.least_squares` (``problem`` its
    keyword arguments); ``delays[i]``: extra seconds worker ``i + 1`` spends per gradient (a straggler)."""

    updates: int = 200
    lr: float = 0.05
    batch_size: int = 8
    seed: int = 0
    delays: tuple[float, ...] = ()
    problem: dict = field(default_factory=dict)

    def __post_init__(self):
        if isinstance(self.updates, bool) or not isinstance(self.updates, int) or self.updates < 1:
            raise ValueError(f"updates must be a positive int, got {self.updates!r}")
        if not self.lr > 0:
            raise ValueError(f"lr must be positive, got {self.lr!r}")
        if isinstance(self.batch_size, bool) or not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise ValueError(f"batch_size must be a positive int, got {self.batch_size!r}")
        if any(not d >= 0 for d in self.delays):
            raise ValueError(f"delays must be >= 0 seconds, got {self.delays!r}")


STOP = -1.0  # a version number that tells a worker to finish


def _serve(world_size: int, config: ServerConfig, problem, group) -> dict:
    """Rank 0: apply each gradient as it arrives, reply with the new parameters, stop after ``updates``."""
    w = torch.zeros(len(problem.w_star), dtype=torch.float64)
    w_star = torch.from_numpy(problem.w_star)
    version, pending = 0, []
    for worker in range(1, world_size):
        pending.append(dist.isend(torch.cat([torch.tensor([0.0], dtype=torch.float64), w]), worker, group=group))
    staleness, senders, errors = [], [], [float((w - w_star).square().sum())]
    incoming = torch.empty(len(w) + 1, dtype=torch.float64)
    active = world_size - 1
    while active:
        sender = dist.recv(incoming, group=group)  # from any worker: the first gradient to arrive
        if version < config.updates:
            w -= config.lr * incoming[1:]
            staleness.append(version - int(incoming[0]))
            senders.append(sender)
            version += 1
            errors.append(float((w - w_star).square().sum()))
            reply = torch.cat([torch.tensor([float(version)], dtype=torch.float64), w])
        else:
            reply = torch.full((len(w) + 1,), STOP, dtype=torch.float64)
            active -= 1
        pending.append(dist.isend(reply, sender, group=group))  # `reply` is fresh: safe to keep sending
    for request in pending:
        request.wait()
    return {"staleness": staleness, "senders": senders, "errors": errors}


def _work(rank: int, config: ServerConfig, problem, group) -> dict:
    """Ranks 1 … N: gradient on the last parameters received, send it, receive new ones, until told to stop."""
    rng = np.random.default_rng(config.seed + rank)
    delay = config.delays[rank - 1] if rank - 1 < len(config.delays) else 0.0
    parameters = torch.empty(len(problem.w_star) + 1, dtype=torch.float64)
    dist.recv(parameters, 0, group=group)
    gradients, step_seconds = 0, []
    while parameters[0] != STOP:
        started = time.perf_counter()
        rows = rng.integers(0, len(problem.y), config.batch_size)
        gradient = torch.from_numpy(problem.gradient(parameters[1:].numpy(), rows))
        time.sleep(delay)
        step_seconds.append(time.perf_counter() - started)
        message = torch.cat([parameters[:1], gradient])  # the version it was computed on, then ∇
        sending = dist.isend(message, 0, group=group)
        receiving = dist.irecv(parameters, 0, group=group)
        sending.wait()
        receiving.wait()
        gradients += 1
    return {"gradients": gradients, "step_seconds": step_seconds}


def parameter_server_worker(rank: int, world_size: int, config: ServerConfig) -> dict:
    """Worker: rank 0 serves, ranks 1 … N compute gradients, asynchronously (gloo, also under NCCL).

    The server returns ``{"staleness": [...], "senders": [...], "errors": [‖w − w*‖² after each update]}``;
    a worker ``{"gradients": how many it sent, "step_seconds": [...]}``.
    """
    if world_size < 2:
        raise ValueError(f"a parameter server needs world_size >= 2 (a server and a worker), got {world_size}")
    # point-to-point from any source needs gloo; under NCCL a gloo group runs beside it
    group = None if dist.get_backend() == "gloo" else dist.new_group(backend="gloo")
    problem = least_squares(**config.problem)
    if rank == 0:
        return _serve(world_size, config, problem, group)
    return _work(rank, config, problem, group)
