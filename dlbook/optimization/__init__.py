"""Chapter 4: optimisers from scratch, learning-rate schedules, second-order methods, test landscapes,
loss-surface geometry, gradient clipping in a real run, and training against the clock."""
from .clipping import ClippedRun, RecordedClipping, exploding_mlp, train_clipped
from .clock import TrainingClock
from .geometry import (flat_loss, hessian_vector_product, linear_path, model_parameters,
                       perturbed_loss_increase, saddle, top_hessian_eigenvalue)
from .landscapes import Quadratic, parameter_path, rosenbrock, trajectory
from .optimizers import SGD, Adagrad, Adam, AdamW, RMSprop, clip_grad_norm_, gradient_norm
from .schedules import ClosedFormSchedule, CosineLR, LinearWarmup, OneCycleLR, StepLR, lr_curve
from .second_order import (backtracking, gradient_descent, hessian_by_rows, logistic_grad, logistic_hessian,
                           logistic_loss, newton, wolfe_conditions)

__all__ = [
    "Adagrad", "Adam", "AdamW", "backtracking", "clip_grad_norm_", "ClippedRun",
    "ClosedFormSchedule", "CosineLR", "exploding_mlp", "flat_loss", "gradient_descent",
    "gradient_norm", "hessian_by_rows", "hessian_vector_product", "linear_path", "LinearWarmup",
    "logistic_grad", "logistic_hessian", "logistic_loss", "lr_curve", "model_parameters", "newton",
    "OneCycleLR", "parameter_path", "perturbed_loss_increase", "Quadratic", "RecordedClipping",
    "RMSprop", "rosenbrock", "saddle", "SGD", "StepLR", "top_hessian_eigenvalue", "train_clipped",
    "TrainingClock", "trajectory", "wolfe_conditions",
]
