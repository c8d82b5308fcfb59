"""Activation functions: a forward rule and a backward rule for each, keyed by name.

``forward(z)`` returns the activation ``a``; ``backward(dy, z, a)`` returns ``dL/dz`` given
``dy = dL/da``. Both work on arrays of any shape and keep the dtype. Maxout changes the
layer width: :func:`maxout` and :func:`maxout_backward` (used by the layer
:mod:`skdeep.nn.layers.maxout`).
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from numba import njit
from scipy.special import expit

from .._constants import ELU_ALPHA, LEAKY_RELU_SLOPE
from .flat import block_values, elementwise


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


@njit(cache=True, nogil=True)
def _relu_blocks(z, out, first, stop):
    start, end = block_values(first, stop, z.size)
    for i in range(start, end):  # unsigned: vectorizes (see .flat)
        v = z[i]
        out[i] = 0.0 if v < 0 else v  # NaN stays NaN, as in np.maximum


@njit(cache=True, nogil=True)
def _relu_backward_blocks(dy, z, dz, first, stop):
    start, end = block_values(first, stop, z.size)
    for i in range(start, end):
        dz[i] = dy[i] * (1.0 if z[i] > 0 else 0.0)  # a NaN or inf dy stays visible


def _relu(z):
    return elementwise(_relu_blocks, z)


def _relu_backward(dy, z, a):
    return elementwise(_relu_backward_blocks, dy, z)


def _leaky_relu(z):
    return np.where(z > 0, z, z * z.dtype.type(LEAKY_RELU_SLOPE))


def _leaky_relu_backward(dy, z, a):
    return dy * np.where(z > 0, 1, LEAKY_RELU_SLOPE).astype(dy.dtype, copy=False)


def _elu(z):
    return np.where(z > 0, z, ELU_ALPHA * np.expm1(np.minimum(z, 0)))


def _elu_backward(dy, z, a):
    return dy * np.where(z > 0, 1, a + ELU_ALPHA).astype(dy.dtype, copy=False)


class ActivationKernels(NamedTuple):
    """The two rules of an element-wise activation."""

    forward: Callable
    """``forward(z) -> a``."""
    backward: Callable
    """``backward(dy, z, a) -> dL/dz``."""


ACTIVATIONS = {
    "identity": ActivationKernels(_identity, _identity_backward),
    "sigmoid": ActivationKernels(_sigmoid, _sigmoid_backward),
    "logistic": ActivationKernels(_sigmoid, _sigmoid_backward),
    "tanh": ActivationKernels(_tanh, _tanh_backward),
    "relu": ActivationKernels(_relu, _relu_backward),
    "leaky_relu": ActivationKernels(_leaky_relu, _leaky_relu_backward),
    "elu": ActivationKernels(_elu, _elu_backward),
}
"""Element-wise activations on the CPU, by name."""


def activation(name, z):
    return ACTIVATIONS[name].forward(z)


def activation_backward(name, dy, z, a):
    return ACTIVATIONS[name].backward(dy, z, a)


def maxout(x, pieces):
    """The largest of each group of ``pieces`` consecutive entries of the last axis, and
    which entry of its group won."""
    grouped = x.reshape(x.shape[:-1] + (-1, pieces))
    winner = np.argmax(grouped, axis=-1)
    return np.take_along_axis(grouped, winner[..., None], axis=-1)[..., 0], winner


def maxout_backward(dy, winner, pieces, x_shape):
    """Each unit's gradient to the entry that won its group."""
    dx = np.zeros(dy.shape + (pieces,), dtype=dy.dtype)
    np.put_along_axis(dx, winner[..., None], dy[..., None], axis=-1)
    return dx.reshape(x_shape)
