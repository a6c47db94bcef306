import pytest
import torch

from dlbook import check, gnn


@pytest.mark.parametrize("aggregation", ["sum", "mean", "max"])
def test_deep_sets_is_permutation_invariant_and_equals_its_formula(aggregation):
    torch.manual_seed(0)
    model = gnn.DeepSets(2, 8, 3, aggregation).double()
    x = torch.randn(7, 2, dtype=torch.float64)
    set_index = torch.tensor([0, 0, 0, 1, 1, 1, 1])
    perm = torch.randperm(7)
    check.close(model(x[perm], set_index[perm]), model(x, set_index), atol=1e-12)
    phi = model.phi(x)
    pool = {"sum": lambda t: t.sum(0), "mean": lambda t: t.mean(0), "max": lambda t: t.amax(0)}[aggregation]
    expected = model.rho(torch.stack([pool(phi[:3]), pool(phi[3:])]))
    check.close(model(x, set_index), expected, atol=1e-12)


def test_set_tasks_have_the_stated_targets():
    for task in gnn.sets.SET_TASKS:
        x, set_index, y = gnn.set_task(task, 20, max_size=5, seed=3)
        assert x.shape == (len(set_index), 1) and y.shape == (20, 1)
        members = x[set_index == 4, 0]
        expected = {"count": float(len(members)), "mean": float(members.mean()), "max": float(members.max())}[task]
        assert abs(float(y[4, 0]) - expected) < 1e-6
        assert 1 <= len(members) <= 5


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="aggregation"):
        gnn.DeepSets(1, 4, 1, "median")
    with pytest.raises(ValueError, match="hidden"):
        gnn.DeepSets(1, 0, 1)
    with pytest.raises(ValueError, match="set_index"):
        gnn.DeepSets(1, 4, 1)(torch.randn(3, 1), torch.zeros(2, dtype=torch.long))
    with pytest.raises(ValueError, match="task"):
        gnn.set_task("median", 3)
    with pytest.raises(ValueError, match="num_sets"):
        gnn.set_task("count", 0)
