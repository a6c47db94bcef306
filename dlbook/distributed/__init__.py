"""Chapter 18: distributed training — a launcher for process groups, synchronous SGD by hand and with
DDP, ring all-reduce, the α–β cost model, an asynchronous parameter server, stale gradients and stragglers."""
from .faults import faulty_worker
from .cost_model import (parameter_server_time, ring_bytes_per_worker, ring_time, tree_schedule,
                         tree_time)
from .ddp import ddp_worker, sampler_indices
from .launcher import WorkerError, default_backend, free_port, launch, run_all, worker_device
from .parameter_server import ServerConfig, parameter_server_worker
from .scaling import scaled_sgd
from .ring import ring_all_reduce, ring_all_reduce_worker
from .staleness import (LeastSquares, delay_stability_limit, delayed_gd_spectral_radius, least_squares,
                        stale_sgd)
from .stragglers import expected_max, sampled_max, sync_efficiency
from .sync_sgd import (SGDConfig, average_gradients, flat_parameters, make_batches, make_model, shard,
                       single_process_sgd, sync_sgd_worker)
from .throughput import throughput_worker

__all__ = [
    "LeastSquares", "SGDConfig", "ServerConfig", "WorkerError", "average_gradients", "ddp_worker",
    "default_backend", "delay_stability_limit", "faulty_worker", "delayed_gd_spectral_radius", "expected_max", "flat_parameters",
    "free_port", "launch", "least_squares", "make_batches", "make_model", "parameter_server_time",
    "parameter_server_worker", "ring_all_reduce", "ring_all_reduce_worker", "ring_bytes_per_worker", "ring_time",
    "run_all", "sampled_max", "sampler_indices", "scaled_sgd", "shard", "single_process_sgd", "stale_sgd", "sync_efficiency",
    "sync_sgd_worker", "throughput_worker", "tree_schedule", "tree_time", "worker_device",
]
