"""Chapter 13: variational autoencoders — autoencoders, the ELBO derived and checked on an exactly
solvable model, the Gaussian KL, a VAE on digits, probabilistic PCA, importance-weighted bounds,
β-VAE and posterior collapse, and the conditional VAE."""
from .activity import active_units
from .autoregressive import AutoregressiveVAE
from .autoencoder import Autoencoder, interpolate
from .bounds import ELBOTerms, NegativeELBO, elbo, iwae_bound
from .kl import check_gaussian_parameters, gaussian_kl
from .likelihoods import bernoulli_log_likelihood, gaussian_log_likelihood
from .linear_gaussian import LinearGaussian, ppca_fit
from .model import LIKELIHOODS, VAE
from .warmup import KLWarmup

__all__ = [
    "Autoencoder", "AutoregressiveVAE", "ELBOTerms", "KLWarmup", "LIKELIHOODS", "LinearGaussian", "NegativeELBO", "VAE",
    "active_units", "bernoulli_log_likelihood", "check_gaussian_parameters", "elbo", "gaussian_kl",
    "gaussian_log_likelihood", "interpolate", "iwae_bound", "ppca_fit",
]
