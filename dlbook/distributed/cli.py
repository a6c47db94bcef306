"""The chapter's synchronous SGD from a shell, started by ``torchrun``.

    torchrun --standalone --nproc-per-node=2 -m dlbook.distributed.cli --steps 5

Each process reads its rank and the rendezvous address from the environment that
torchrun sets, joins the group (NCCL with one GPU per process when there are
enough GPUs, gloo otherwise), trains, and rank 0 prints one JSON line: how far
the result lies from a single process trained on the concatenated batches.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import sys

import torch
import torch.distributed as dist

from .ddp import ddp_worker
from .launcher import default_backend
from .sync_sgd import SGDConfig, single_process_sgd, sync_sgd_worker


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line: ``--steps``, ``--batch-per-worker``, ``--lr``, ``--seed``, ``--ddp``, ``--timeout``."""
    parser = argparse.ArgumentParser(prog="python -m dlbook.distributed.cli", description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=5, help="SGD steps")
    parser.add_argument("--batch-per-worker", type=int, default=8, help="examples per process per step (M)")
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate")
    parser.add_argument("--seed", type=int, default=0, help="seed of the model and the data")
    parser.add_argument("--ddp", action="store_true", help="average with DistributedDataParallel, not by hand")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds a collective may wait")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point: needs ``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR`` and ``MASTER_PORT`` (torchrun sets them)."""
    args = parse_args(argv)
    missing = [k for k in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT") if k not in os.environ]
    if missing:
        print(f"{', '.join(missing)} not set: start this with torchrun --nproc-per-node=N -m dlbook.distributed.cli",
              file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    world_size, rank = int(os.environ["WORLD_SIZE"]), int(os.environ["RANK"])
    backend = default_backend(world_size)
    if backend == "nccl":
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", rank)))
    dist.init_process_group(backend, timeout=datetime.timedelta(seconds=args.timeout))
    try:
        config = SGDConfig(seed=args.seed, steps=args.steps, batch_per_worker=args.batch_per_worker, lr=args.lr)
        result = (ddp_worker if args.ddp else sync_sgd_worker)(rank, world_size, config)
        if rank == 0:
            reference = single_process_sgd(world_size, config)
            gap = float((result["parameters"] - reference).abs().max())
            print(json.dumps({"world_size": world_size, "backend": backend, "ddp": args.ddp,
                              "steps": args.steps, "max_difference_from_single_process": gap}))
    finally:
        dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
