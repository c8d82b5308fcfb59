"""Dense layers on the CPU: BLAS matrix products (NumPy)."""

import numpy as np


def forward(x, weights, bias):
    """``x @ weights + bias``."""
    out = x @ weights
    out += bias
    return out


def backward(x, dy, weights, dweights, dbias, need_dx):
    """Fill ``dweights`` and ``dbias``; return ``dy @ weights.T`` when ``need_dx``."""
    np.dot(x.T, dy, out=dweights)
    np.sum(dy, axis=0, out=dbias)
    return dy @ weights.T if need_dx else None
