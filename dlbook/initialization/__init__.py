"""Chapter 5: initialisation — fans and gains, Xavier, He and orthogonal initialisers from scratch."""
from .initializers import (LINEAR_NAMES, calculate_gain, fan_in_and_fan_out, init_linear_, kaiming_normal_,
                           kaiming_uniform_, orthogonal_, random_orthogonal, sample_variance_rtol, scaled_std,
                           xavier_normal_, xavier_uniform_)

__all__ = [
    "LINEAR_NAMES", "calculate_gain", "fan_in_and_fan_out", "init_linear_", "kaiming_normal_", "kaiming_uniform_",
    "orthogonal_", "random_orthogonal", "sample_variance_rtol", "scaled_std", "xavier_normal_", "xavier_uniform_",
]
