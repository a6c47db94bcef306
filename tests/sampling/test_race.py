import pytest
import torch

from dlbook import History, TrainingDiverged, check
from dlbook.sampling import ESTIMATORS, DiscreteLatentProblem, estimated_loss, train_discrete_latent


def test_problem_closed_forms():
    problem = DiscreteLatentProblem.random(3, 4, seed=1, dtype=torch.float64)
    t = problem.targets
    assert torch.allclose(t.sum(1), torch.ones(3, dtype=torch.float64)) and (t > 0).all()
    eye = torch.eye(4, dtype=torch.float64)
    for d in range(3):
        y = t.clone()
        y[d] = eye[1]   # variable d on class 1, the others exactly on their targets
        check.close(problem(y), problem.vertex_values()[d, 1], atol=1e-14)
    logits = torch.randn(3, 4, dtype=torch.float64)
    z = torch.distributions.Categorical(logits=logits).sample((100_000,))
    values = problem(torch.nn.functional.one_hot(z, 4).double())
    assert abs(values.mean() - problem.expected(logits)) < 5 * values.std() / 100_000 ** 0.5
    assert problem.optimum() == pytest.approx(float(problem.expected(100.0 * (t == t.max(1, keepdim=True).values))))


@pytest.mark.parametrize("estimator", ["reinforce", "reinforce-loo"])
def test_score_function_surrogates_are_unbiased(estimator):
    problem = DiscreteLatentProblem.random(2, 3, seed=0, dtype=torch.float64)
    logits = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    exact, = torch.autograd.grad(estimated_loss(problem, logits, "exact", 1), logits)
    draws = []
    gen = torch.Generator().manual_seed(0)
    for _ in range(2000):
        draws.append(torch.autograd.grad(estimated_loss(problem, logits, estimator, 20, generator=gen), logits)[0])
    draws = torch.stack(draws)
    se = draws.std(0) / 2000 ** 0.5
    assert ((draws.mean(0) - exact).abs() < 5 * se).all()


def test_training_records_the_exact_loss_and_the_exact_gradient_wins():
    problem = DiscreteLatentProblem.random(8, 3, seed=0)
    runs = {e: train_discrete_latent(problem, e, steps=60, lr=0.1, n_samples=4, seed=0, device="cpu")
            for e in ESTIMATORS}
    for history in runs.values():
        assert isinstance(history, History) and len(history) == 60
        assert history["excess"][-1] == pytest.approx(history["loss"][-1] - problem.optimum())
    assert runs["exact"]["excess"][-1] < min(h["excess"][-1] for e, h in runs.items() if e != "exact")
    assert runs["exact"]["excess"][-1] < 0.05 * runs["exact"]["excess"][0]


def test_interrupt_keeps_the_history(monkeypatch):
    problem = DiscreteLatentProblem.random(2, 3)
    calls = {"n": 0}
    real = torch.optim.Adam.step

    def step(self, *a, **k):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return real(self, *a, **k)

    monkeypatch.setattr(torch.optim.Adam, "step", step)
    history = train_discrete_latent(problem, "exact", steps=10, device="cpu")
    assert history.interrupted and len(history) == 3


def test_divergence_raises_with_the_history():
    problem = DiscreteLatentProblem(torch.tensor([[0.5, float("nan")]]))
    with pytest.raises(TrainingDiverged, match="exact"):
        train_discrete_latent(problem, "exact", steps=3, device="cpu")


def test_bad_input_names_the_problem():
    problem = DiscreteLatentProblem.random(2, 3)
    with pytest.raises(ValueError, match="estimator"):
        train_discrete_latent(problem, "magic", steps=3)
    with pytest.raises(ValueError, match="estimator"):
        estimated_loss(problem, torch.zeros(2, 3), "magic", 2)
    with pytest.raises(TypeError, match="DiscreteLatentProblem"):
        train_discrete_latent(torch.zeros(2, 3), "exact", steps=3)
    with pytest.raises(ValueError, match="n_samples"):
        train_discrete_latent(problem, "reinforce-loo", steps=3, n_samples=1)
    with pytest.raises(ValueError, match="tau"):
        train_discrete_latent(problem, "gumbel-softmax", steps=3, tau=0)
    with pytest.raises(ValueError, match="lr"):
        train_discrete_latent(problem, "exact", steps=3, lr=-1)
    with pytest.raises(ValueError, match=r"\(D, K\)"):
        DiscreteLatentProblem(torch.zeros(3))
    with pytest.raises(ValueError, match=r"\(D, K\)"):
        problem(torch.zeros(3, 3))
    with pytest.raises(ValueError, match=r"logits must be \(D, K\)"):
        problem.expected(torch.zeros(3, 3))
    with pytest.raises(ValueError, match="classes"):
        DiscreteLatentProblem.random(2, 1)


def test_estimated_loss_checks_its_sample_count():
    problem = DiscreteLatentProblem.random(2, 3)
    with pytest.raises(ValueError, match="n_samples"):
        estimated_loss(problem, torch.zeros(2, 3), "reinforce-loo", 1)
    with pytest.raises(TypeError, match="n_samples"):
        estimated_loss(problem, torch.zeros(2, 3), "reinforce", 2.0)
