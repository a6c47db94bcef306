"""Chapter 1: the perceptron, activation functions and the multilayer perceptron."""
from . import activations, perceptron
from .activations import Activation, Elementwise
from .mlp import ACTIVATION_MODULES, MLP, flip_sign, permute_units, scale_unit, unit_by_unit
from .perceptron import (PerceptronRun, augmented_inputs, linearly_separable, margin, max_margin, mistake_bound,
                         radius, signs, to_linear, train_perceptron)

__all__ = [
    "ACTIVATION_MODULES", "Activation", "Elementwise", "MLP", "PerceptronRun", "activations", "augmented_inputs",
    "flip_sign", "linearly_separable", "margin", "max_margin", "mistake_bound", "perceptron", "permute_units",
    "radius", "scale_unit", "signs", "to_linear", "train_perceptron", "unit_by_unit",
]
