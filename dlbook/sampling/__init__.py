"""Chapter 12: differentiable sampling — the score-function (REINFORCE) and reparameterisation estimators,
Gumbel-max, the Gumbel-softmax relaxation and straight-through, an optimisation race and a bandit."""
from .bandit import BernoulliBandit, train_bandit
from .categorical import (categorical_exact_gradient, categorical_expectation, categorical_relaxed,
                          categorical_score_function, vertex_values)
from .gaussian import (gaussian_reparameterised, gaussian_score, gaussian_score_function, quadratic_expectation,
                       quadratic_gradient)
from .gumbel import gumbel_cdf, gumbel_log_pdf, gumbel_max_sample, sample_gumbel
from .relaxation import concrete_log_prob, gumbel_softmax, straight_through
from .race import ESTIMATORS, DiscreteLatentProblem, estimated_loss, train_discrete_latent
from .reparameterisation import exponential_rsample, normal_rsample
from .score_function import leave_one_out_baseline, reinforce_surrogate, score_function_gradients

__all__ = [
    "ESTIMATORS", "BernoulliBandit", "DiscreteLatentProblem", "categorical_exact_gradient", "categorical_expectation",
    "categorical_relaxed", "categorical_score_function", "concrete_log_prob", "estimated_loss",
    "exponential_rsample", "gaussian_reparameterised", "gaussian_score", "gaussian_score_function", "gumbel_cdf",
    "gumbel_log_pdf", "gumbel_max_sample", "gumbel_softmax", "leave_one_out_baseline", "normal_rsample",
    "quadratic_expectation", "quadratic_gradient", "reinforce_surrogate", "sample_gumbel",
    "score_function_gradients", "straight_through", "train_bandit", "train_discrete_latent", "vertex_values",
]
