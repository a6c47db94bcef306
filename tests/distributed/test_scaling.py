import numpy as np
import pytest
import torch

from dlbook import distributed
from dlbook.distributed import scaled_sgd


def test_one_worker_is_plain_minibatch_sgd():
    p = distributed.least_squares(n=64, d=3, seed=0)
    gaps = scaled_sgd(p, 1, 8, 0.1, epochs=2, seed=5)
    X, y = torch.from_numpy(p.X), torch.from_numpy(p.y)
    w, g = torch.zeros(3, dtype=torch.float64), torch.Generator().manual_seed(5)
    expected = []
    for _ in range(2):
        order = torch.randperm(64, generator=g)
        for step in range(8):
            rows = order[step * 8:(step + 1) * 8]
            w = w - 0.1 * X[rows].T @ (X[rows] @ w - y[rows]) / 8
        expected.append(p.loss(w.numpy()) - p.loss(p.w_star))
    np.testing.assert_allclose(gaps, expected, rtol=1e-10)


def test_a_rate_beyond_the_curvature_limit_diverges():
    p = distributed.least_squares(seed=0)
    assert np.isinf(scaled_sgd(p, 32, 8, 0.1, epochs=30)[-1])  # 32 · 0.1 > 2/λ_max
    assert np.isfinite(scaled_sgd(p, 8, 8, 0.1, epochs=5, warmup_epochs=1)).all()


def test_bad_input_names_the_problem():
    p = distributed.least_squares(n=32, d=2)
    with pytest.raises(ValueError, match="n_workers"):
        scaled_sgd(p, 0, 8, 0.1, 1)
    with pytest.raises(ValueError, match="larger than"):
        scaled_sgd(p, 8, 8, 0.1, 1)
    with pytest.raises(ValueError, match="base_lr"):
        scaled_sgd(p, 1, 8, -0.1, 1)
    with pytest.raises(ValueError, match="warmup_epochs"):
        scaled_sgd(p, 1, 8, 0.1, 1, warmup_epochs=-1)
