"""Chapter 3: loss functions from maximum likelihood, and the mixture density network."""
from .functional import (REDUCTIONS, binary_cross_entropy_with_logits, cross_entropy, gaussian_nll, hinge, huber,
                         log_softmax, logsumexp, mae, mse, multiclass_hinge, reduce_loss, softplus)
from .mdn import MDN, log_prob, mdn_loss, mixture_nll, responsibilities, split_output

__all__ = [
    "MDN", "REDUCTIONS", "binary_cross_entropy_with_logits", "cross_entropy", "gaussian_nll", "hinge", "huber",
    "log_prob", "log_softmax", "logsumexp", "mae", "mdn_loss", "mixture_nll", "mse", "multiclass_hinge",
    "reduce_loss", "responsibilities", "softplus", "split_output",
]
