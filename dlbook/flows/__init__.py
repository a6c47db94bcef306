"""Chapter 15: normalising flows and invertible networks — NICE, RealNVP, Glow's layers, RevNet, i-ResNet."""
from .coupling import AdditiveCoupling, AffineCoupling, alternating_mask, checkerboard_mask, conditioner
from .dequantization import LogitTransform, bits_per_dim, dequantize
from .flow import Flow, standard_normal_log_prob
from .invertible_linear import InvertibleLinear, Permutation
from .iresnet import InvertibleResidualBlock
from .layer import InvertibleLayer, check_batch, check_dim
from .memory import cuda_held_bytes
from .models import nice, realnvp
from .reference import autograd_log_det, randomize_parameters_
from .revnet import ReversibleFunction, RevBlock, RevNet, rev_mlp
from .scaling import ActNorm, DiagonalScaling
from .training import mean_nll, train_flow

__all__ = [
    "ActNorm", "AdditiveCoupling", "AffineCoupling", "DiagonalScaling", "Flow", "InvertibleLayer",
    "InvertibleLinear", "InvertibleResidualBlock", "LogitTransform", "Permutation", "RevBlock", "RevNet",
    "ReversibleFunction", "alternating_mask", "autograd_log_det", "bits_per_dim", "check_batch", "check_dim",
    "checkerboard_mask", "conditioner", "cuda_held_bytes", "dequantize", "mean_nll", "nice",
    "randomize_parameters_", "realnvp", "rev_mlp", "standard_normal_log_prob", "train_flow",
]
