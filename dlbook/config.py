"""Run configuration: the profile, the device, seeds and the data directory.

Everything a chapter needs to know about *where* and *how big* it runs lives
here, so that the same notebook runs in seconds on a laptop CPU (``quick``)
and at full scale on a GPU (``full``).
"""
from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

PROFILES = ("quick", "full")


def profile() -> str:
    """The run profile: ``"quick"`` or ``"full"``.

    Read from ``DLBOOK_PROFILE``; without it, ``"full"`` when a CUDA GPU is
    present and ``"quick"`` otherwise.
    """
    value = os.environ.get("DLBOOK_PROFILE", "").strip().lower()
    if not value:
        return "full" if torch.cuda.is_available() else "quick"
    if value not in PROFILES:
        raise ValueError(
            f"DLBOOK_PROFILE={value!r} is not a profile; use one of {PROFILES}"
        )
    return value


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend and backend.is_available())


def get_device(prefer: str | torch.device | None = None) -> torch.device:
    """The device to compute on: cuda > mps > cpu.

    ``prefer`` (or the ``DLBOOK_DEVICE`` environment variable, when ``prefer``
    is None) overrides the automatic choice; asking for a device this machine
    does not have is an error rather than a silent fallback.
    """
    wanted = prefer if prefer is not None else os.environ.get("DLBOOK_DEVICE") or None
    if wanted is None:
        if torch.cuda.is_available():
            return torch.device("cuda")
        if _mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(wanted)
    except (RuntimeError, TypeError) as err:
        raise ValueError(f"{wanted!r} is not a torch device name (try 'cpu', 'cuda', 'mps')") from err
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {wanted!r} was asked for, but CUDA is not available here")
    if device.type == "mps" and not _mps_available():
        raise ValueError(f"device {wanted!r} was asked for, but MPS is not available here")
    return device


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch (CPU and every CUDA device).

    The same seed gives identical results on the same machine. Returns a CPU
    ``torch.Generator`` seeded with ``seed`` for code that takes one explicitly.
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # seeds CUDA devices too
    return torch.Generator().manual_seed(int(seed))


def headless() -> bool:
    """True when no person is watching: no progress bars, no live redraws.

    Set ``DLBOOK_HEADLESS=1`` for book builds and notebook tests, so stored
    outputs hold results rather than progress bars.
    """
    return os.environ.get("DLBOOK_HEADLESS", "0").strip().lower() in ("1", "true", "yes")


def data_dir() -> Path:
    """Where downloaded data sets are cached: ``DLBOOK_DATA`` or ``~/.cache/dlbook``."""
    root = os.environ.get("DLBOOK_DATA") or Path.home() / ".cache" / "dlbook"
    return Path(root).expanduser()


@dataclass
class ChapterRun:
    """What a chapter ran with: created by :func:`start_chapter`, printed at its end."""

    seed: int
    profile: str
    device: torch.device
    started: float = field(default_factory=time.perf_counter)

    def elapsed(self) -> float:
        """Seconds since the chapter started."""
        return time.perf_counter() - self.started

    def provenance_line(self) -> str:
        """One line a reader can compare with their own run."""
        return (
            f"seed {self.seed} · device {self.device.type} · torch {torch.__version__} · "
            f"profile {self.profile} · wall time {self.elapsed():.1f} s"
        )

    def provenance(self) -> None:
        """Print the provenance line: the last cell of every chapter calls this."""
        print(self.provenance_line())


def start_chapter(seed: int = 0, *, cpu_threads: int | None = 1) -> ChapterRun:
    """Seed everything, pick the device and profile, and start the chapter's clock.

    On a CPU, torch then computes with ``cpu_threads`` threads: one by default, since
    the chapters' networks are small enough that extra threads spend more time waiting
    for each other than computing. ``None`` keeps torch's own choice.
    """
    if cpu_threads is not None and (isinstance(cpu_threads, bool) or not isinstance(cpu_threads, int)
                                    or cpu_threads < 1):
        raise ValueError(f"cpu_threads must be a positive int or None, got {cpu_threads!r}")
    seed_everything(seed)
    run = ChapterRun(seed=seed, profile=profile(), device=get_device())
    if run.device.type == "cpu" and cpu_threads is not None:
        torch.set_num_threads(cpu_threads)
    return run
