"""Chapter 6: regularisation — penalties and their paths, model size, dropout, augmentation, tangent propagation,
calibration and weight averaging."""
from .augmentation import (augmented_copies, gaussian_noise, random_affine, random_flip, random_shift,
                           rotate_points, rotation_tangent, translate)
from .calibration import classification_scores, expected_calibration_error, reliability_bins
from .dropout import STOCHASTIC_LAYERS, Dropout, GaussianDropout, dropout_mlp, mc_samples
from .penalties import (ProximalSGD, elastic_net_path, elastic_net_penalty, l1_penalty, l2_penalty, linear_gd_path,
                        prox_elastic_net, ridge, soft_threshold)
from .polynomials import legendre_features, legendre_fit
from .random_features import RandomFeatures, min_norm_fit, random_features_curve, single_index_data
from .tangent_prop import TangentProp, TangentPropLoss, directional_derivative, shift_tangent, tangent_penalty
from .weight_averaging import SWA

__all__ = [
    "Dropout", "GaussianDropout", "ProximalSGD", "RandomFeatures", "STOCHASTIC_LAYERS", "SWA", "TangentProp", "TangentPropLoss",
    "augmented_copies", "classification_scores", "directional_derivative", "dropout_mlp", "elastic_net_path",
    "elastic_net_penalty", "expected_calibration_error", "gaussian_noise", "l1_penalty", "l2_penalty",
    "legendre_features", "legendre_fit", "linear_gd_path", "mc_samples", "min_norm_fit", "prox_elastic_net", "random_affine",
    "random_features_curve", "random_flip", "random_shift", "reliability_bins", "ridge", "rotate_points", "rotation_tangent",
    "shift_tangent", "single_index_data", "soft_threshold", "tangent_penalty", "translate",
]
