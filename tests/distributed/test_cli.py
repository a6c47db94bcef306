import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dlbook.distributed import cli

ROOT = Path(__file__).resolve().parents[2]


def test_torchrun_runs_the_same_training_with_two_processes():
    torchrun = Path(sys.executable).with_name("torchrun")
    assert torchrun.exists() or shutil.which("torchrun"), "torchrun ships with torch"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([str(torchrun) if torchrun.exists() else "torchrun", "--standalone",
                          "--nproc-per-node=2", "-m", "dlbook.distributed.cli", "--steps", "3"],
                         capture_output=True, text=True, timeout=240, env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["world_size"] == 2 and report["steps"] == 3
    assert report["max_difference_from_single_process"] < 1e-12


def test_without_torchrun_it_says_how_to_start_it(monkeypatch, capsys):
    for key in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT"):
        monkeypatch.delenv(key, raising=False)
    assert cli.main([]) == 2
    assert "torchrun" in capsys.readouterr().err


def test_arguments():
    args = cli.parse_args(["--steps", "7", "--ddp"])
    assert args.steps == 7 and args.ddp and args.batch_per_worker == 8
    with pytest.raises(SystemExit):
        cli.parse_args(["--steps", "many"])
