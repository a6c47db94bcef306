"""Chapter 1: the perceptron, activation functions and the multilayer perceptron."""
from . import activations, linear_regions, perceptron, universal
from .activations import Activation, Elementwise
from .mlp import ACTIVATION_MODULES, MLP, flip_sign, permute_units, scale_unit, unit_by_unit
from .linear_regions import (activation_patterns, count_regions, max_regions_one_layer, one_layer_regions_in_box,
                             pieces_along_segment)
from .perceptron import (PerceptronRun, augmented_inputs, linearly_separable, margin, max_margin, mistake_bound,
                         radius, signs, to_linear, train_perceptron)
from .universal import interpolation_error_bound, relu_interpolant

__all__ = [
    "ACTIVATION_MODULES", "Activation", "Elementwise", "MLP", "PerceptronRun", "activation_patterns", "activations",
    "augmented_inputs", "count_regions", "interpolation_error_bound", "linear_regions", "max_regions_one_layer",
    "one_layer_regions_in_box", "pieces_along_segment", "relu_interpolant", "universal",
    "flip_sign", "linearly_separable", "margin", "max_margin", "mistake_bound", "perceptron", "permute_units",
    "radius", "scale_unit", "signs", "to_linear", "train_perceptron", "unit_by_unit",
]
