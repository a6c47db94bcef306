import pytest

from dlbook import distributed

from .conftest import SERVER


def test_the_server_applies_every_update_and_converges(world3):
    server, *workers = world3["server"]
    assert len(server["staleness"]) == SERVER.updates == len(server["senders"])
    assert sum(w["gradients"] for w in workers) == SERVER.updates + len(workers)  # each also sent one too many
    assert min(server["staleness"]) >= 0
    assert server["errors"][-1] < 0.2 * server["errors"][0]
    assert set(server["senders"]) <= {1, 2}


def test_workers_never_wait_for_each_other(world3):
    _, fast, slow = world3["server"]
    assert fast["gradients"] > slow["gradients"]  # the slow worker (5 ms more per gradient) does not hold it back


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="updates"):
        distributed.ServerConfig(updates=0)
    with pytest.raises(ValueError, match="delays"):
        distributed.ServerConfig(delays=(-1.0,))
    with pytest.raises(ValueError, match="batch_size"):
        distributed.ServerConfig(batch_size=0)
