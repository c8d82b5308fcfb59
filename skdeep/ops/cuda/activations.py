"""Activations on the GPU: the element-wise functions of :mod:`skdeep.ops.cpu.activations`
(same names, same constants) and maxout. One thread per element; every array contiguous.
"""

import math

from numba import cuda

from .._constants import ELU_ALPHA, LEAKY_RELU_SLOPE
from .arrays import empty, flat, launch

ACTIVATION_KINDS = {"identity": 0, "sigmoid": 1, "logistic": 1, "tanh": 2, "relu": 3,
                    "leaky_relu": 4, "elu": 5}
"""Element-wise activations by name: the integer code the kernels branch on."""


@cuda.jit(device=True, inline="always")
def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@cuda.jit
def _activation(kind, z, out):
    i = cuda.grid(1)
    if i >= z.size:
        return
    v = z[i]
    if kind == 1:
        out[i] = sigmoid(v)
    elif kind == 2:
        out[i] = math.tanh(v)
    elif kind == 3:
        out[i] = v if v > 0 else 0.0
    elif kind == 4:
        out[i] = v if v > 0 else v * LEAKY_RELU_SLOPE
    elif kind == 5:
        out[i] = v if v > 0 else ELU_ALPHA * math.expm1(min(v, 0.0))
    else:
        out[i] = v


@cuda.jit
def _activation_backward(kind, dy, z, a, dz):
    i = cuda.grid(1)
    if i >= dy.size:
        return
    g = dy[i]
    if kind == 1:
        dz[i] = g * a[i] * (1.0 - a[i])
    elif kind == 2:
        dz[i] = g * (1.0 - a[i] * a[i])
    elif kind == 3:
        dz[i] = g if z[i] > 0 else 0.0
    elif kind == 4:
        dz[i] = g if z[i] > 0 else g * LEAKY_RELU_SLOPE
    elif kind == 5:
        dz[i] = g if z[i] > 0 else g * (a[i] + ELU_ALPHA)
    else:
        dz[i] = g


def activation(name, z):
    out = empty(z.shape, z.dtype)
    launch(_activation, z.size)(ACTIVATION_KINDS[name], flat(z), flat(out))
    return out


def activation_backward(name, dy, z, a):
    dz = empty(dy.shape, dy.dtype)
    launch(_activation_backward, dy.size)(ACTIVATION_KINDS[name], flat(dy), flat(z), flat(a),
                                          flat(dz))
    return dz


@cuda.jit
def _maxout(x, pieces, out, winner):
    i = cuda.grid(1)
    if i >= out.size:
        return
    base = i * pieces
    best = x[base]
    where = 0
    for p in range(1, pieces):
        if x[base + p] > best:
            best = x[base + p]
            where = p
    out[i] = best
    winner[i] = where


def maxout(x, pieces):
    shape = tuple(x.shape)[:-1] + (tuple(x.shape)[-1] // pieces,)
    out, winner = empty(shape, x.dtype), empty(shape, "int32")
    launch(_maxout, out.size)(flat(x), pieces, flat(out), flat(winner))
    return out, winner


@cuda.jit
def _maxout_backward(dy, winner, pieces, dx):
    i = cuda.grid(1)
    if i >= dx.size:
        return
    unit = i // pieces
    dx[i] = dy[unit] if winner[unit] == i - unit * pieces else 0.0


def maxout_backward(dy, winner, pieces, x_shape):
    dx = empty(x_shape, dy.dtype)
    launch(_maxout_backward, dx.size)(flat(dy), flat(winner), pieces, flat(dx))
    return dx
