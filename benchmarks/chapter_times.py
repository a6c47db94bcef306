"""Wall time of each chapter notebook as the test suite runs it, for the 60 s quick-profile budget.

Each chapter runs alone in a fresh kernel through nbclient, as nbval runs it in the tests:
headless, in the quick profile (unless DLBOOK_PROFILE says otherwise), kernel start and imports
included. A run is timed from before the kernel starts to the end of the last cell (the kernel's
shutdown is not counted). Notebooks run strictly one at a time, in rounds (every chapter once, then
again), so that a busy spell slows all chapters alike; they are executed as copies in memory and
never written back.

    python benchmarks/chapter_times.py [--repeats 3] [--markdown] [book/03_losses.ipynb ...]

Prints min and median seconds per chapter, whether the median is within the budget, the total of
the medians, and the machine facts. Progress goes to stderr, the table to stdout.
"""
from __future__ import annotations

import argparse
import copy
import datetime
import os
import platform
import re
import statistics
import sys
import time
from importlib.metadata import version
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 60.0     # per chapter, quick profile, on the 2-core machine (README, "Profiles")
CELL_TIMEOUT = 300  # seconds, as pyproject's --nbval-cell-timeout


def run_once(nb: nbformat.NotebookNode, path: Path) -> float:
    """Seconds from before the kernel starts to the end of the last cell; nb is not modified."""
    ends = []
    client = NotebookClient(copy.deepcopy(nb), timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            on_cell_executed=lambda **_: ends.append(time.perf_counter()))
    start = time.perf_counter()
    client.execute()
    return (ends[-1] if ends else time.perf_counter()) - start


def measure(paths: list[Path], repeats: int) -> dict[Path, list[float] | str]:
    """Seconds per run for each chapter, or the error of its first failed run."""
    notebooks = {path: nbformat.read(path, as_version=4) for path in paths}
    times: dict[Path, list[float] | str] = {path: [] for path in paths}
    for round_ in range(1, repeats + 1):
        for path, nb in notebooks.items():
            if isinstance(times[path], str):
                continue  # failed before: do not run it again
            try:
                seconds = run_once(nb, path)
            except Exception as error:  # a failing cell or a timeout: report it, measure the rest
                last = (str(error).strip().splitlines() or [type(error).__name__])[-1]
                times[path] = re.sub(r"\x1b\[[0-9;]*m", "", last)  # without terminal colours
                print(f"{path.name} run {round_}/{repeats}: FAILED {times[path]}", file=sys.stderr)
                continue
            times[path].append(seconds)
            print(f"{path.name} run {round_}/{repeats}: {seconds:.1f} s", file=sys.stderr, flush=True)
    return times


def machine(repeats: int) -> str:
    """One line of facts that make the numbers comparable."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"{datetime.date.today().isoformat()}, {cpus} CPUs ({platform.machine()}, "
            f"{platform.system()}), Python {platform.python_version()}, torch {version('torch')}, "
            f"profile {os.environ['DLBOOK_PROFILE']}, median of {repeats} runs per chapter")


def table(times: dict[Path, list[float] | str], markdown: bool) -> list[str]:
    """Rows of chapter / min / median / budget, then the total of the medians."""
    rows = []
    for path, runs in times.items():
        if isinstance(runs, str):
            rows.append((path.name, "-", "-", f"FAILED ({runs})"))
        else:
            median = statistics.median(runs)
            verdict = "ok" if median <= BUDGET_S else f"OVER {BUDGET_S:.0f} s"
            rows.append((path.name, f"{min(runs):.1f}", f"{median:.1f}", verdict))
    medians = [statistics.median(runs) for runs in times.values() if not isinstance(runs, str)]
    total = "total of medians" + (" (failed left out)" if len(medians) < len(times) else "")
    rows.append((total, "", f"{sum(medians):.1f}", ""))
    head = ("chapter", "min s", "median s", f"≤ {BUDGET_S:.0f} s")
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|---|---:|---:|---|"]
        return lines + ["| " + " | ".join(row) + " |" for row in rows]
    width = max(len(row[0]) for row in [head, *rows])
    return [f"{a:<{width}}  {b:>7}  {c:>8}  {d}" for a, b, c, d in [head, *rows]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="chapters to time (default: every book/NN_*.ipynb)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per chapter (default 3)")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    # what book/conftest.py sets for nbval; the kernels inherit this environment
    os.environ["DLBOOK_HEADLESS"] = "1"
    os.environ.setdefault("DLBOOK_PROFILE", "quick")
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
    times = measure(paths, args.repeats)
    facts = machine(args.repeats)
    print(f"Measured on {facts}:\n" if args.markdown else facts)
    print("\n".join(table(times, args.markdown)))
    if any(isinstance(runs, str) for runs in times.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
