"""Data sets downloaded on request: MNIST-style IDX files, cached, verified by checksum,
with an error that says so when the machine is offline."""
from __future__ import annotations

import gzip
import hashlib
import math
import os
import struct
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import torch

from ..config import data_dir

MNIST_SOURCES = {
    "digits": {
        "mirrors": ("https://ossci-datasets.s3.amazonaws.com/mnist/",),
        "md5": {
            "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
            "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
            "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
        },
    },
    "fashion": {
        "mirrors": ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
        "md5": {
            "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
            "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
            "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
        },
    },
}

_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (gzipped or not): magic ``0 0 dtype ndim``, big-endian sizes, then data."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number {raw[:4]!r})")
    ndim = raw[3]
    shape = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=_IDX_DTYPES[raw[2]], offset=4 + 4 * ndim)
    if data.size != math.prod(shape):
        raise ValueError(f"{path} holds {data.size} values, its header promises {shape}")
    return data.reshape(shape)


def md5sum(path: str | Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(url: str, target: Path, md5: str) -> None:
    """Fetch ``url`` to ``target`` through a temporary file; keep it only if its checksum matches."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=30) as response:
            while block := response.read(1 << 20):
                out.write(block)
        if md5sum(tmp) != md5:
            raise OSError(f"checksum mismatch for {url}: the download is corrupt or the file changed")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _fetch(kind: str, name: str, folder: Path, download: bool) -> Path:
    source = MNIST_SOURCES[kind]
    target = folder / name
    expected = source["md5"][name]
    if target.exists():
        if md5sum(target) == expected:
            return target
        raise ValueError(f"{target} exists but its checksum is wrong; delete it to download it again")
    if not download:
        raise FileNotFoundError(f"{target} is missing; call mnist(..., download=True) to fetch it")
    errors = []
    for mirror in source["mirrors"]:
        try:
            _download(mirror + name, target, expected)
            return target
        except (urllib.error.URLError, TimeoutError, ConnectionError) as err:
            errors.append(f"{mirror}: {err}")
    raise ConnectionError(
        f"could not download {name} for mnist(kind={kind!r}); this machine seems to be offline "
        f"({'; '.join(errors)}). Put the file in {folder} by hand, or use dlbook.data.digits(), "
        "which ships with scikit-learn and needs no network."
    )


def mnist(kind: str = "digits", split: str = "train", *, root: str | Path | None = None, download: bool = True):
    """MNIST (``kind="digits"``) or Fashion-MNIST (``kind="fashion"``), 28×28 grey images.

    The IDX files are cached in ``root`` (default: ``data_dir()/mnist-<kind>``)
    and verified against their published MD5 checksums. Offline, with no cached
    copy, the error says so and points to :func:`digits`.

    Returns ``X: (N, 1, 28, 28)`` float32 in [0, 1] and ``y: (N,)`` int64.
    """
    if kind not in MNIST_SOURCES:
        raise ValueError(f"kind must be one of {tuple(MNIST_SOURCES)}, got {kind!r}")
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    folder = Path(root) if root is not None else data_dir() / f"mnist-{kind}"
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(_fetch(kind, f"{prefix}-images-idx3-ubyte.gz", folder, download))
    labels = read_idx(_fetch(kind, f"{prefix}-labels-idx1-ubyte.gz", folder, download))
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(f"images {images.shape} and labels {labels.shape} do not form a data set")
    X = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)
    return X, torch.from_numpy(labels.astype(np.int64))
