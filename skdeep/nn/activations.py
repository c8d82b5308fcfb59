"""Activation functions: a forward rule and a backward rule for each, keyed by name.

``forward(z)`` returns the activation ``a``; ``backward(dy, z, a)`` returns ``dL/dz`` given
``dy = dL/da``. Both work on arrays of any shape and keep the dtype. Maxout changes the
layer width, so it is a layer of its own (:mod:`skdeep.nn.layers.maxout`).
"""

import numpy as np
from scipy.special import expit

LEAKY_RELU_SLOPE = 0.01
ELU_ALPHA = 1.0


def _identity(z):
    return z


def _identity_backward(dy, z, a):
    return dy


def _sigmoid(z):
    return expit(z)


def _sigmoid_backward(dy, z, a):
    return dy * a * (1 - a)


def _tanh(z):
    return np.tanh(z)


def _tanh_backward(dy, z, a):
    return dy * (1 - a * a)


def _relu(z):
    return np.maximum(z, 0)


def _relu_backward(dy, z, a):
    return dy * (z > 0)


def _leaky_relu(z):
    return np.where(z > 0, z, z * z.dtype.type(LEAKY_RELU_SLOPE))


def _leaky_relu_backward(dy, z, a):
    return dy * np.where(z > 0, 1, LEAKY_RELU_SLOPE).astype(dy.dtype, copy=False)


def _elu(z):
    return np.where(z > 0, z, ELU_ALPHA * np.expm1(np.minimum(z, 0)))


def _elu_backward(dy, z, a):
    return dy * np.where(z > 0, 1, a + ELU_ALPHA).astype(dy.dtype, copy=False)


ACTIVATIONS = {
    "identity": (_identity, _identity_backward),
    "sigmoid": (_sigmoid, _sigmoid_backward),
    "logistic": (_sigmoid, _sigmoid_backward),
    "tanh": (_tanh, _tanh_backward),
    "relu": (_relu, _relu_backward),
    "leaky_relu": (_leaky_relu, _leaky_relu_backward),
    "elu": (_elu, _elu_backward),
}
"""Element-wise activations: name -> (forward, backward)."""
