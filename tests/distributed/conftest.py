"""One launch of three processes serves every test that needs a real process group (spawning is slow)."""
import pytest
import torch

from dlbook import distributed

CONFIG = distributed.SGDConfig(steps=4, batch_per_worker=5)
SERVER = distributed.ServerConfig(updates=120, lr=0.05, delays=(0.0, 0.005))
THROUGHPUT = distributed.SGDConfig(steps=3, batch_per_worker=16, dtype=torch.float32)
RING_SIZES = (1, 2, 3, 10, 3000)


@pytest.fixture(scope="session")
def world3():
    """Results of each job by rank: ``{"sync": [...], "ddp": [...], ...}``."""
    jobs = {"sync": (distributed.sync_sgd_worker, (CONFIG,)),
            "ddp": (distributed.ddp_worker, (CONFIG, 0.0001)),  # tiny buckets: several all-reduces per step
            "ring": (distributed.ring_all_reduce_worker, (RING_SIZES,)),
            "server": (distributed.parameter_server_worker, (SERVER,)),
            "throughput": (distributed.throughput_worker, (THROUGHPUT, (1, 2, 3)))}
    results = distributed.launch(distributed.run_all, 3, list(jobs.values()), timeout=240)
    return {name: [results[rank][i] for rank in range(3)] for i, name in enumerate(jobs)}
