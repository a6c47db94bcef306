"""Chapter 10's comparison at equal wall-clock time: an LSTM and a causal transformer of equal size,
each trained on the same character windows for the same number of seconds, then scored in bits per
character on the same held-out text.

The chapter compares the two at equal *parameters* and equal *epochs*; which is better per second is a
performance claim, so it is measured here, side by side in one run: for each seed the two models train
back to back (alternating which goes first), so a busy spell slows both alike.

    python benchmarks/bench_language_models.py [--seconds 20] [--seeds 3] [--parameters 20000] [--device cpu]
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch

import dlbook
from dlbook import attention, rnn
from dlbook.data import next_token_windows, split_text, text_corpus

SEQ_LEN, BATCH, EMBEDDING, HEADS, LAYERS = 32, 32, 16, 2, 1


def build(name: str, parameters: int, vocab_size: int) -> torch.nn.Module:
    if name == "LSTM":
        hidden = rnn.hidden_size_for("lstm", parameters, vocab_size, EMBEDDING)
        return rnn.CharLM(vocab_size, hidden, cell="lstm", embedding_dim=EMBEDDING)
    width = attention.embed_dim_for(parameters, vocab_size, HEADS, LAYERS, SEQ_LEN)
    return attention.TransformerLM(vocab_size, width, HEADS, LAYERS, SEQ_LEN)


def train_for(model: torch.nn.Module, X: torch.Tensor, Y: torch.Tensor, seconds: float, lr: float,
              device: torch.device, seed: int) -> int:
    """Adam steps on shuffled windows until ``seconds`` have passed; returns the number of steps."""
    model.to(device).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(seed)
    steps, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        order = torch.randperm(len(X), generator=generator)
        for i in range(0, len(X) - BATCH + 1, BATCH):
            index = order[i:i + BATCH]
            x, y = X[index].to(device), Y[index].to(device)
            loss = rnn.next_token_loss(model(x), y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            steps += 1
            if device.type == "cuda" and steps % 50 == 0:
                torch.cuda.synchronize()
            if time.perf_counter() - started >= seconds:
                break
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="training time per model and seed")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--parameters", type=int, default=20_000)
    parser.add_argument("--device", default=None)
    args = parser.parse_args()
    device = dlbook.get_device(args.device)
    torch.set_num_threads(1 if device.type == "cpu" else torch.get_num_threads())
    text, vocab = text_corpus()
    train_ids, val_ids = split_text(vocab.encode(text))
    X, Y = next_token_windows(train_ids, SEQ_LEN, max_windows=20_000, seed=0)
    val = val_ids[:20_000]
    names, lr = ("LSTM", "transformer"), {"LSTM": 1e-2, "transformer": 1e-2}
    bpc = {name: [] for name in names}
    steps = {name: [] for name in names}
    for seed in range(args.seeds):
        for name in (names if seed % 2 == 0 else names[::-1]):
            torch.manual_seed(seed)
            model = build(name, args.parameters, len(vocab))
            steps[name].append(train_for(model, X, Y, args.seconds, lr[name], device, seed))
            bpc[name].append(rnn.bits_per_character(model, val, seq_len=SEQ_LEN))
    size = {name: sum(p.numel() for p in build(name, args.parameters, len(vocab)).parameters()) for name in names}
    print(f"{args.seconds:g} s of training per model and seed, {args.seeds} seeds, device {device.type}, "
          f"torch {torch.__version__}")
    print("| model | parameters | steps (median) | bits per character (median) | min | max |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in names:
        print(f"| {name} | {size[name]:,} | {statistics.median(steps[name]):,.0f} | "
              f"{statistics.median(bpc[name]):.3f} | {min(bpc[name]):.3f} | {max(bpc[name]):.3f} |")
    print(f"steps per second, transformer / LSTM: "
          f"{statistics.median(steps['transformer']) / statistics.median(steps['LSTM']):.2f}; "
          f"bits per character, transformer − LSTM: "
          f"{statistics.median(bpc['transformer']) - statistics.median(bpc['LSTM']):+.3f}")


if __name__ == "__main__":
    main()
