"""Chapter 8: convolutional networks — convolution from scratch and its backward pass, output size
and receptive field, equivariance and p4 group convolution, ResNet and squeeze-and-excitation."""
from .backward import conv2d_bias_grad, conv2d_input_grad, conv2d_weight_grad
from .convolution import Conv2d, conv2d, conv2d_direct, conv_output_size, im2col
from .cost import conv_cost, dense_cost, measured_cost
from .group_convolution import P4CNN, P4Conv, P4Lifting, rotate, rotate_p4
from .looking_inside import activation_maximization, feature_maps, saliency
from .pooling import AvgPool2d, MaxPool2d, avg_pool2d, max_pool2d
from .receptive import extent, layer_geometry, receptive_field, receptive_field_by_gradient
from .resnet import BasicBlock, ResNet, gradient_norms
from .squeeze_excitation import SmallCNN, SqueezeExcitation, se_parameters

__all__ = [
    "AvgPool2d", "BasicBlock", "Conv2d", "MaxPool2d", "P4CNN", "P4Conv", "P4Lifting", "ResNet", "SmallCNN",
    "SqueezeExcitation", "activation_maximization", "avg_pool2d", "conv2d", "conv2d_bias_grad", "conv2d_direct",
    "conv2d_input_grad", "conv2d_weight_grad", "conv_cost", "conv_output_size", "dense_cost", "extent",
    "feature_maps", "gradient_norms", "im2col", "layer_geometry", "max_pool2d", "measured_cost", "receptive_field",
    "receptive_field_by_gradient", "rotate", "rotate_p4", "saliency", "se_parameters",
]
