"""Chapter 17: the neural tangent kernel — the empirical NTK three ways, the NTK parameterisation, the
analytic infinite-width ReLU kernel, linearised training in closed form, lazy training and spectral bias."""
from .analytic import relu_expectations, relu_ntk
from .empirical import empirical_ntk, parameter_jacobian
from .kernel_regression import ntk_prediction
from .lazy import KernelTracker, ScaledOutput, relative_change
from .linearization import LinearizedModel
from .parameterization import NTKLinear, NTKMLP
from .spectral import circulant_eigenvalues, fourier_amplitudes, on_circle, uniform_angles

__all__ = [
    "KernelTracker", "LinearizedModel", "NTKLinear", "NTKMLP", "ScaledOutput", "circulant_eigenvalues",
    "empirical_ntk", "fourier_amplitudes", "ntk_prediction", "on_circle", "parameter_jacobian", "relative_change",
    "relu_expectations", "relu_ntk", "uniform_angles",
]
