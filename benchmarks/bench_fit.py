"""Training throughput of ``dlbook.fit`` beside a hand-written loop and a DataLoader loop, in one run.

The same MLP trains on the same 20 000 in-memory samples with the same batch
size, three ways:

(a) ``dlbook.fit`` on an ``(X, y)`` tensor pair;
(b) a minimal hand-written loop: slice a shuffled index, forward, backward, step;
(c) a ``DataLoader`` over a ``TensorDataset`` (how most textbooks do it).

Runs are interleaved (a, b, c, a, b, c, ...) so that a busy machine slows all
three alike; the table shows the median samples per second and the ratios.

    python benchmarks/bench_fit.py [--repeats 9] [--epochs 2] [--device cpu]
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch.nn import functional as F

import dlbook
from dlbook.perceptron_mlp import MLP

N, FEATURES, HIDDEN, CLASSES, BATCH = 20_000, 32, 64, 10, 64


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def with_fit(model, optimizer, X, y, epochs, device):
    dlbook.fit(model, (X, y), loss_fn=F.cross_entropy, optimizer=optimizer, epochs=epochs,
               batch_size=BATCH, device=device, progress=False)


def by_hand(model, optimizer, X, y, epochs, device):
    model.to(device)
    X, y = X.to(device), y.to(device)
    generator = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=generator).to(device)
        for i in range(0, len(X), BATCH):
            index = order[i : i + BATCH]
            loss = F.cross_entropy(model(X[index]), y[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()


def with_dataloader(model, optimizer, X, y, epochs, device):
    model.to(device)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=BATCH, shuffle=True)
    for _ in range(epochs):
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()


METHODS = {"dlbook.fit": with_fit, "hand-written loop": by_hand, "DataLoader loop": with_dataloader}


def measure(repeats: int, epochs: int, device: torch.device) -> dict[str, list[float]]:
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(N, FEATURES, generator=gen)
    y = torch.randint(0, CLASSES, (N,), generator=gen)
    rates = {name: [] for name in METHODS}
    for _ in range(repeats):
        for name, method in METHODS.items():
            torch.manual_seed(0)
            model = MLP(FEATURES, [HIDDEN, HIDDEN], CLASSES)
            optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
            synchronize(device)
            start = time.perf_counter()
            method(model, optimizer, X, y, epochs, device)
            synchronize(device)
            rates[name].append(N * epochs / (time.perf_counter() - start))
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--device", default=None)
    args = parser.parse_args()
    device = dlbook.get_device(args.device)
    rates = measure(args.repeats, args.epochs, device)
    median = {name: statistics.median(values) for name, values in rates.items()}
    print(f"MLP {FEATURES}-{HIDDEN}-{HIDDEN}-{CLASSES}, {N} samples, batch {BATCH}, {args.epochs} epochs x "
          f"{args.repeats} interleaved repeats, device {device.type}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads")
    print(f"{'method':<20} {'median samples/s':>17} {'min':>10} {'max':>10}")
    for name, values in rates.items():
        print(f"{name:<20} {median[name]:>17,.0f} {min(values):>10,.0f} {max(values):>10,.0f}")
    fit, hand, loader = median["dlbook.fit"], median["hand-written loop"], median["DataLoader loop"]
    print(f"fit / hand-written = {fit / hand:.3f}   (target >= 0.95)")
    print(f"fit / DataLoader   = {fit / loader:.3f}   (target >= 1.3)")
    print(f"hand-written / DataLoader = {hand / loader:.3f}")


if __name__ == "__main__":
    main()
