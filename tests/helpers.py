"""Small helpers the unit tests share: seeded tensors and a strict closeness check."""
import torch


def generator(seed):
    """A CPU generator seeded with ``seed``, so each test draws its own reproducible numbers."""
    return torch.Generator().manual_seed(seed)


def randn(*shape, seed=0, dtype=torch.float64):
    """Standard normal tensor of ``shape``, reproducible from ``seed``."""
    return torch.randn(shape, generator=generator(seed), dtype=dtype)


def assert_close(a, b, atol=1e-10, rtol=1e-8):
    """|a − b| ≤ atol + rtol·max|b| everywhere, with equal shapes and dtypes; float64 tolerances by default."""
    assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, a.dtype, b.shape, b.dtype)
    error = (a - b).abs().max().item() if a.numel() else 0.0
    assert error <= atol + rtol * b.abs().max().item(), f"max |Δ| = {error:.3g}"


def noisy_problem(seed=0):
    """Few noisy points and a big network: validation loss turns up while training loss falls."""
    import dlbook
    from dlbook.perceptron_mlp import MLP

    X, y = dlbook.data.moons(40, noise=0.4, seed=seed)
    Xv, yv = dlbook.data.moons(200, noise=0.4, seed=seed + 100)
    torch.manual_seed(seed)
    return MLP(2, [128, 128], 2), (X, y), (Xv, yv)
