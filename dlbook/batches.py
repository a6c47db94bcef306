"""Mini-batches for :func:`dlbook.fit`: each batch is a tuple ``(*inputs, target)`` on the device.

Tensors that share their first dimension — ``(X, y)``, or ``(X, questions, y)``
for a model called as ``model(X, questions)`` — move to the device once and are
batched there by index slicing, so a step costs what a hand-written loop costs.
A ``Dataset`` or ``DataLoader`` is moved batch by batch. A list of ready-made
batches (tuples) is used as it is, every epoch: one batch ``[(x, edge_index, y)]``
trains a graph network on its whole graph.
"""
from __future__ import annotations

from typing import Iterator

import torch

Batch = tuple[torch.Tensor, ...]


def move(batch, device: torch.device):
    """A tensor, or a tuple/list of tensors, on ``device`` (asynchronously where possible)."""
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=True)
    return type(batch)(move(b, device) for b in batch)


def _check_batch(batch, name: str) -> Batch:
    if not isinstance(batch, (tuple, list)) or len(batch) < 2:
        raise ValueError(f"{name} must yield (*inputs, target) tuples of at least two tensors, "
                         f"got {type(batch).__name__}{f' of {len(batch)}' if isinstance(batch, (tuple, list)) else ''}")
    return tuple(batch)


class TensorBatches:
    """Mini-batches of tensors ``(*inputs, target)`` that live on the device: one transfer, then index slicing."""

    def __init__(self, tensors, batch_size: int, device: torch.device, name: str):
        tensors = tuple(tensors)
        if len(tensors) < 2:
            raise ValueError(f"{name} must hold at least one input and a target, got {len(tensors)} tensor(s)")
        for i, t in enumerate(tensors):
            if not isinstance(t, torch.Tensor):
                raise TypeError(f"{name}[{i}] must be a tensor, got {type(t).__name__}")
        lengths = [len(t) for t in tensors]
        if len(set(lengths)) > 1:
            raise ValueError(f"{name}: inputs and targets differ in length: {lengths} (the last is the target)")
        if lengths[0] == 0:
            raise ValueError(f"{name} is empty: nothing to train or evaluate on")
        self.tensors = tuple(t.to(device, non_blocking=True) for t in tensors)
        self.batch_size = batch_size

    def __len__(self) -> int:
        return len(self.tensors[0])

    def batches(self, generator: torch.Generator | None = None) -> Iterator[Batch]:
        n = len(self)
        if generator is None:
            for i in range(0, n, self.batch_size):
                yield tuple(t[i : i + self.batch_size] for t in self.tensors)
            return
        order = torch.randperm(n, generator=generator).to(self.tensors[0].device, non_blocking=True)
        for i in range(0, n, self.batch_size):
            index = order[i : i + self.batch_size]
            yield tuple(t[index] for t in self.tensors)


class LoaderBatches:
    """Batches from a ``DataLoader`` (or a ``Dataset``, wrapped in one, or a list of batches), moved per batch."""

    def __init__(self, data, batch_size: int, device: torch.device, shuffle: bool, generator: torch.Generator | None,
                 name: str):
        if isinstance(data, torch.utils.data.Dataset):
            data = torch.utils.data.DataLoader(data, batch_size=batch_size, shuffle=shuffle, generator=generator)
        self.loader, self.device, self.name = data, device, name
        if self._size() == 0:
            raise ValueError(f"{name} is empty: nothing to train or evaluate on")

    def _size(self) -> int | None:
        if isinstance(self.loader, list):
            return sum(len(_check_batch(b, self.name)[-1]) for b in self.loader)
        try:
            return len(self.loader.dataset)
        except TypeError:  # an iterable data set without a length
            return None

    def __len__(self) -> int:
        return self._size()

    def batches(self, generator=None) -> Iterator[Batch]:
        for batch in self.loader:
            yield move(_check_batch(batch, self.name), self.device)


def as_batches(data, batch_size: int, device: torch.device, *, shuffle: bool, generator: torch.Generator | None,
               name: str):
    """Accept tensors ``(*inputs, target)``, a ``Dataset``, a ``DataLoader`` or a list of batch tuples."""
    if isinstance(data, (tuple, list)) and data and all(isinstance(d, torch.Tensor) for d in data):
        return TensorBatches(data, batch_size, device, name)
    if isinstance(data, list) and data and all(isinstance(d, (tuple, list)) for d in data):
        return LoaderBatches(data, batch_size, device, shuffle, generator, name)
    if isinstance(data, (torch.utils.data.Dataset, torch.utils.data.DataLoader)):
        return LoaderBatches(data, batch_size, device, shuffle, generator, name)
    if isinstance(data, (tuple, list)):
        raise TypeError(f"{name} must be a tuple of tensors (*inputs, target) or a list of batch tuples, "
                        f"got a {type(data).__name__} of {[type(d).__name__ for d in data]}")
    raise TypeError(f"{name} must be a tuple of tensors (*inputs, target), a Dataset, a DataLoader or a list of "
                    f"batches, got {type(data).__name__}")
