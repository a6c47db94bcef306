"""Chapter 14: generative adversarial networks — the minimax game, its losses, Wasserstein GANs with
clipping, gradient penalty or spectral normalisation, mode collapse and the convergence of the game."""
from . import ensembles
from .coverage import Coverage, mode_coverage
from .dirac import (dirac_equilibrium_eigenvalues, dirac_field, dirac_trajectory, dirac_value)
from .game import (GENERATOR_LOSSES, discriminator_loss, generator_loss, js_divergence, optimal_discriminator,
                   value_at)
from .networks import DCDiscriminator, DCGenerator, toy_discriminator, toy_generator
from .penalties import clip_weights_, gradient_penalty, r1_penalty
from .training import PENALTIES, train_gan, train_wgan
from .wasserstein import optimal_critic_1d, wasserstein_1d, wasserstein_assignment

__all__ = [
    "Coverage", "DCDiscriminator", "DCGenerator", "GENERATOR_LOSSES", "PENALTIES", "clip_weights_",
    "dirac_equilibrium_eigenvalues", "ensembles", "dirac_field", "dirac_trajectory", "dirac_value", "discriminator_loss",
    "generator_loss", "gradient_penalty", "js_divergence", "mode_coverage", "optimal_critic_1d",
    "optimal_discriminator", "r1_penalty", "toy_discriminator", "toy_generator", "train_gan", "train_wgan",
    "value_at", "wasserstein_1d", "wasserstein_assignment",
]
