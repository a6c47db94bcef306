"""Legendre features and least-squares polynomial fits, against NumPy."""
import numpy as np
import pytest
import torch

from dlbook import regularization as reg


pytestmark = pytest.mark.usefixtures("one_thread")


def test_legendre_features_match_numpy():
    x = torch.linspace(-1, 1, 17, dtype=torch.float64)
    expected = torch.from_numpy(np.polynomial.legendre.legvander(x.numpy(), 6))
    torch.testing.assert_close(reg.legendre_features(x, 6), expected)
    assert reg.legendre_features(x, 0).shape == (17, 1)
    with pytest.raises(ValueError, match="degree"):
        reg.legendre_features(x, -1)


def test_legendre_fit_matches_numpy_polyfit_and_works_on_batches():
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(3, 12, 1, generator=gen, dtype=torch.float64)
    y = torch.randn(3, 12, 1, generator=gen, dtype=torch.float64)
    x_eval = torch.linspace(0, 1, 7, dtype=torch.float64).reshape(-1, 1)
    batched = reg.legendre_fit(x, y, 4, x_eval)
    assert batched.shape == (3, 7, 1)
    for b in range(3):                             # the same least-squares polynomial, in the monomial basis
        coef = np.polyfit(x[b, :, 0].numpy(), y[b, :, 0].numpy(), 4)
        torch.testing.assert_close(batched[b, :, 0], torch.from_numpy(np.polyval(coef, x_eval[:, 0].numpy())))
        torch.testing.assert_close(reg.legendre_fit(x[b], y[b], 4, x_eval), batched[b])
    # degree n − 1 interpolates the n points
    torch.testing.assert_close(reg.legendre_fit(x[0, :5], y[0, :5], 4, x[0, :5]), y[0, :5], atol=1e-8, rtol=0)
    with pytest.raises(ValueError, match="shape"):
        reg.legendre_fit(x[0, :, 0], y[0, :, 0], 2, x_eval)
