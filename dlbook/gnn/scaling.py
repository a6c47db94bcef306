"""Cost of a layer, measured: the wall time of a forward and backward pass.

(The bytes autograd keeps for backward are counted by chapter 2's :func:`dlbook.backprop.saved_bytes`.)"""
import statistics
import time

import torch


def time_forward_backward(fn, *args, repeats: int = 5) -> float:
    """The median seconds of ``fn(*args).sum().backward()`` over ``repeats`` runs, after one warm-up."""
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    if repeats < 1:
        raise ValueError(f"repeats must be positive, got {repeats}")
    device = next((a.device for a in args if isinstance(a, torch.Tensor)), torch.device("cpu"))

    def once():
        fn(*args).sum().backward()
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    once()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        once()
        times.append(time.perf_counter() - started)
    return statistics.median(times)
