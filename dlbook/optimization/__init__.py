"""Chapter 4: optimisers from scratch, learning-rate schedules, second-order methods, test landscapes,
gradient clipping in a real run, and training against the clock."""
from .clipping import ClippedRun, RecordedClipping, exploding_mlp, train_clipped
from .clock import TrainingClock
from .landscapes import Quadratic, parameter_path, rosenbrock, trajectory
from .optimizers import SGD, Adagrad, Adam, AdamW, RMSprop, clip_grad_norm_, gradient_norm
from .schedules import ClosedFormSchedule, CosineLR, LinearWarmup, OneCycleLR, StepLR, lr_curve
from .second_order import (backtracking, gradient_descent, hessian_by_rows, logistic_grad, logistic_hessian,
                           logistic_loss, newton, wolfe_conditions)

__all__ = [
    "Adagrad", "Adam", "AdamW", "ClippedRun", "ClosedFormSchedule", "CosineLR", "LinearWarmup", "OneCycleLR",
    "Quadratic", "RMSprop", "RecordedClipping", "SGD", "StepLR", "TrainingClock", "backtracking", "clip_grad_norm_",
    "exploding_mlp", "gradient_descent", "gradient_norm", "hessian_by_rows", "logistic_grad", "logistic_hessian",
    "logistic_loss", "lr_curve", "newton", "parameter_path", "rosenbrock", "train_clipped", "trajectory",
    "wolfe_conditions",
]
