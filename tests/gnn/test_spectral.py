import networkx as nx
import pytest
import torch

from dlbook import check, gnn
from dlbook.data.graphs import from_networkx


def test_chebyshev_filter_equals_the_spectral_closed_form():
    g = nx.karate_club_graph()
    A = gnn.dense_adjacency(from_networkx(g), 34, dtype=torch.float64)
    L = gnn.laplacian(A, "sym")
    x = torch.randn(34, 3, dtype=torch.float64)
    theta = torch.tensor([0.5, -1.0, 0.25, 0.3], dtype=torch.float64)

    def response(lam):  # Σ θ_k T_k(λ − 1), T_k(y) = cos(k arccos y)
        y = (lam - 1).clamp(-1, 1)
        return sum(t * torch.cos(k * torch.arccos(y)) for k, t in enumerate(theta))

    expected = gnn.spectral_filter(x, L, response)
    check.close(gnn.chebyshev_filter(x, L, theta), expected, atol=1e-10)
    check.close(gnn.chebyshev_filter(x, L.to_sparse(), theta), expected, atol=1e-10)
    check.close(gnn.chebyshev_filter(x, L, theta[:1]), theta[0] * x, atol=1e-12)


def test_fourier_basis_is_orthonormal_with_laplacian_quadratic_forms():
    A = gnn.dense_adjacency(from_networkx(nx.cycle_graph(8)), 8, dtype=torch.float64)
    L = gnn.laplacian(A)
    lam, U = gnn.graph_fourier_basis(L)
    check.close(U.T @ U, torch.eye(8, dtype=torch.float64), atol=1e-12)
    check.close(torch.diag(U.T @ L @ U), lam, atol=1e-12)
    check.close(lam, torch.sort(2 - 2 * torch.cos(2 * torch.pi * torch.arange(8) / 8)).values.double(), atol=1e-12)


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="symmetric"):
        gnn.graph_fourier_basis(torch.tensor([[0.0, 1.0], [0.0, 0.0]]))
    with pytest.raises(ValueError, match="theta"):
        gnn.chebyshev_filter(torch.randn(2, 1), torch.eye(2), torch.tensor([]))
    with pytest.raises(ValueError, match="rows"):
        gnn.chebyshev_filter(torch.randn(3, 1), torch.eye(2), torch.ones(2))
    with pytest.raises(ValueError, match="lambda_max"):
        gnn.chebyshev_filter(torch.randn(2, 1), torch.eye(2), torch.ones(2), lambda_max=0)
    with pytest.raises(ValueError, match="rows"):
        gnn.spectral_filter(torch.randn(3, 1), torch.eye(2), lambda lam: lam)
