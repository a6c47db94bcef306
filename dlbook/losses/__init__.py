"""Chapter 3: loss functions from maximum likelihood, entropy and KL, calibration, and
the mixture
density network."""
from .calibration import fit_temperature, temperature_nll
from .functional import (REDUCTIONS, binary_cross_entropy_with_logits, cross_entropy,
                         gaussian_nll,
                         hinge, huber, log_softmax, logsumexp, mae, mse, multiclass_hinge,
                         reduce_loss,
                         softplus)
from .information import entropy, kl_divergence
from .mdn import MDN, log_prob, mdn_loss, mixture_nll, responsibilities, split_output

__all__ = [
    "MDN", "REDUCTIONS", "binary_cross_entropy_with_logits", "cross_entropy", "entropy",
    "fit_temperature", "gaussian_nll", "hinge", "huber", "kl_divergence", "log_prob",
           "log_softmax",
    "logsumexp", "mae", "mdn_loss", "mixture_nll", "mse", "multiclass_hinge",
           "reduce_loss",
    "responsibilities", "softplus", "split_output", "temperature_nll",
]
