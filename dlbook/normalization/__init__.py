"""Chapter 7: normalisation — batch, layer, instance, group, RMS and conditional batch norm;
weight and spectral normalisation; deep networks and residual stacks built with them."""
from .functional import batch_norm, group_norm, instance_norm, layer_norm, normalize
from .layers import (BatchNorm1d, BatchNorm2d, BatchNormFunction, ConditionalBatchNorm, GroupNorm, InstanceNorm1d,
                     InstanceNorm2d, LayerNorm)
from .networks import NORMS, deep_mlp, norm_layer, shares_statistics
from .residual import PLACEMENTS, ResidualBlock, ResidualStack, block_gradient_norms
from .rms_normalization import RMSNorm, rms_norm
from .scale_invariance import equilibrium_norm, sgd_norm_trajectory
from .questions import QUESTIONS, QuestionNet, answers, with_questions
from .spectral_normalization import (LipschitzBounds, SpectralNorm, lipschitz_bounds, matrix_with_gap,
                                     power_iteration, spectral_norm)
from .weight_normalization import WeightNorm, data_dependent_init_, weight_norm, weight_norm_grads

__all__ = [
    "BatchNorm1d", "BatchNorm2d", "BatchNormFunction", "ConditionalBatchNorm", "GroupNorm", "InstanceNorm1d",
    "InstanceNorm2d", "LayerNorm", "LipschitzBounds", "NORMS", "PLACEMENTS", "QUESTIONS", "QuestionNet",
    "RMSNorm", "ResidualBlock", "ResidualStack", "SpectralNorm", "WeightNorm", "answers", "batch_norm",
    "block_gradient_norms", "data_dependent_init_", "deep_mlp", "equilibrium_norm", "group_norm",
    "instance_norm", "layer_norm", "lipschitz_bounds", "matrix_with_gap", "norm_layer", "normalize",
    "power_iteration", "rms_norm", "sgd_norm_trajectory", "shares_statistics", "spectral_norm", "weight_norm",
    "weight_norm_grads", "with_questions",
]
