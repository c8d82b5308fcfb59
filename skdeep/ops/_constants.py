"""Constants of the activations and losses, shared by the CPU and CUDA kernels."""

LEAKY_RELU_SLOPE = 0.01
"""Slope of leaky ReLU for negative inputs."""
ELU_ALPHA = 1.0
"""ELU's saturation value for large negative inputs is ``-ELU_ALPHA``."""
HUBER_DELTA = 1.0
"""Where the Huber loss turns from quadratic to linear."""
