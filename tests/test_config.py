import random

import numpy as np
import pytest
import torch

import dlbook
from dlbook import config


def test_profile_reads_environment(monkeypatch):
    monkeypatch.setenv("DLBOOK_PROFILE", "full")
    assert dlbook.profile() == "full"
    monkeypatch.setenv("DLBOOK_PROFILE", " Quick ")
    assert dlbook.profile() == "quick"


def test_profile_default_follows_cuda(monkeypatch):
    monkeypatch.delenv("DLBOOK_PROFILE", raising=False)
    assert dlbook.profile() == ("full" if torch.cuda.is_available() else "quick")


def test_unknown_profile_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("DLBOOK_PROFILE", "medium")
    with pytest.raises(ValueError, match="DLBOOK_PROFILE='medium'.*quick"):
        dlbook.profile()


def test_get_device_prefers_cuda_then_mps_then_cpu(monkeypatch):
    monkeypatch.delenv("DLBOOK_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(config, "_mps_available", lambda: False)
    assert dlbook.get_device() == torch.device("cpu")
    monkeypatch.setattr(config, "_mps_available", lambda: True)
    assert dlbook.get_device() == torch.device("mps")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert dlbook.get_device() == torch.device("cuda")


def test_get_device_override(monkeypatch):
    monkeypatch.setenv("DLBOOK_DEVICE", "cpu")
    assert dlbook.get_device() == torch.device("cpu")
    monkeypatch.delenv("DLBOOK_DEVICE")
    assert dlbook.get_device("cpu") == torch.device("cpu")


def test_get_device_rejects_what_is_not_there(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="CUDA is not available"):
        dlbook.get_device("cuda")
    with pytest.raises(ValueError, match="not a torch device"):
        dlbook.get_device("gpu0")


def _draws():
    return random.random(), np.random.rand(), torch.rand(3)


def test_seed_everything_repeats_every_generator():
    dlbook.seed_everything(123)
    first = _draws()
    dlbook.seed_everything(123)
    second = _draws()
    assert first[0] == second[0] and first[1] == second[1]
    assert torch.equal(first[2], second[2])
    dlbook.seed_everything(124)
    assert not torch.equal(_draws()[2], first[2])


def test_seed_everything_rejects_bad_seeds():
    with pytest.raises(TypeError, match="int"):
        dlbook.seed_everything(1.5)
    with pytest.raises(ValueError, match="2\\*\\*32"):
        dlbook.seed_everything(-1)


def test_start_chapter_records_its_run(monkeypatch, capsys):
    monkeypatch.setenv("DLBOOK_PROFILE", "quick")
    run = dlbook.start_chapter(seed=7)
    assert run.seed == 7 and run.profile == "quick"
    run.provenance()
    line = capsys.readouterr().out
    assert "seed 7" in line and f"torch {torch.__version__}" in line and "profile quick" in line


@pytest.fixture
def restore_threads():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def test_start_chapter_sets_cpu_threads(monkeypatch, restore_threads):
    monkeypatch.setenv("DLBOOK_DEVICE", "cpu")
    torch.set_num_threads(2)
    dlbook.start_chapter(cpu_threads=None)
    assert torch.get_num_threads() == 2  # None keeps torch's choice
    dlbook.start_chapter()
    assert torch.get_num_threads() == 1
    with pytest.raises(ValueError, match="cpu_threads"):
        dlbook.start_chapter(cpu_threads=0)


def test_headless_and_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("DLBOOK_HEADLESS", "1")
    assert dlbook.headless()
    monkeypatch.setenv("DLBOOK_HEADLESS", "0")
    assert not dlbook.headless()
    monkeypatch.setenv("DLBOOK_DATA", str(tmp_path))
    assert dlbook.data_dir() == tmp_path
