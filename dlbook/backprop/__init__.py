"""Chapter 2: backpropagation — a scalar autograd engine, a NumPy tensor engine, backprop
by hand, its cost (arithmetic and memory), dying ReLUs and the Hessian."""

from . import numpy_nn
from .cost import BackwardCounter, matmul_flops
from .draw import draw_graph
from .dying_relus import dead_units, gaussian_init_
from .errors import LOSSES, example_errors, summed_error
from .hessian import (
    diagonal_from_curvatures,
    diagonal_hessian,
    error_function,
    exact_hessian,
    hvp,
    outer_product_hessian,
    output_function,
    preactivation_derivatives,
    relative_frobenius,
)
from .memory import (
    blocks_of,
    checkpoint_activations,
    checkpointed,
    recomputed_layers,
    saved_bytes,
)
from .manual import (
    Gradients,
    backprop,
    forward,
    layers_of,
    loss_value,
    output_delta,
    preactivation_gradients,
)
from .tensor import Tensor, unbroadcast
from .value import Value, topological_order

__all__ = [
    "BackwardCounter",
    "Gradients",
    "LOSSES",
    "Tensor",
    "Value",
    "backprop",
    "blocks_of",
    "checkpoint_activations",
    "checkpointed",
    "dead_units",
    "diagonal_from_curvatures",
    "diagonal_hessian",
    "draw_graph",
    "error_function",
    "exact_hessian",
    "example_errors",
    "forward",
    "gaussian_init_",
    "hvp",
    "layers_of",
    "loss_value",
    "matmul_flops",
    "numpy_nn",
    "outer_product_hessian",
    "output_delta",
    "output_function",
    "preactivation_derivatives",
    "preactivation_gradients",
    "recomputed_layers",
    "relative_frobenius",
    "saved_bytes",
    "summed_error",
    "topological_order",
    "unbroadcast",
]
