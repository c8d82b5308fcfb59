"""Losses on the GPU: one thread per sample computes its weighted loss and its row of the
gradient; the batch loss is their sum (:mod:`skdeep.ops.cuda.reduce`), left on the device.

The same definitions as :mod:`skdeep.nn.losses` (raw outputs, per-sample shares ``p``).
"""

import math

import numpy as np
from numba import cuda

from .._constants import HUBER_DELTA
from . import reduce
from .activations import sigmoid
from .arrays import empty, launch

LOSS_KINDS = {"softmax_cross_entropy": 0, "sigmoid_cross_entropy": 1, "squared_error": 2,
              "absolute_error": 3, "huber": 4}


@cuda.jit(device=True, inline="always")
def _log_sum_exp(raw, i):
    top = raw[i, 0]
    for j in range(1, raw.shape[1]):
        top = max(top, raw[i, j])
    total = 0.0
    for j in range(raw.shape[1]):
        total += math.exp(raw[i, j] - top)
    return top + math.log(total)


@cuda.jit
def _loss_rows(kind, raw, y, p, row_loss, grad):
    i = cuda.grid(1)
    if i >= raw.shape[0]:
        return
    k = raw.shape[1]
    loss = 0.0
    if kind == 0:
        lse = _log_sum_exp(raw, i)
        for j in range(k):
            log_proba = raw[i, j] - lse
            loss -= y[i, j] * log_proba
            grad[i, j] = (math.exp(log_proba) - y[i, j]) * p[i]
    elif kind == 1:
        for j in range(k):
            r = raw[i, j]
            loss += max(r, 0.0) + math.log1p(math.exp(-abs(r))) - y[i, j] * r
            grad[i, j] = (sigmoid(r) - y[i, j]) * p[i]
    else:
        share = p[i] / k
        for j in range(k):
            residual = raw[i, j] - y[i, j]
            magnitude = abs(residual)
            if kind == 2:
                loss += 0.5 * residual * residual / k
                g = residual
            elif kind == 3:
                loss += magnitude / k
                g = 1.0 if residual > 0 else (-1.0 if residual < 0 else 0.0)
            else:
                quadratic = min(magnitude, HUBER_DELTA)
                loss += (0.5 * quadratic * quadratic + HUBER_DELTA * (magnitude - quadratic)) / k
                g = min(max(residual, -HUBER_DELTA), HUBER_DELTA)
            grad[i, j] = g * share
    row_loss[i] = loss * p[i]


def loss_and_gradient(name, raw, y, p):
    """The batch loss (a one-element float64 device array) and its gradient."""
    n = raw.shape[0]
    row_loss, grad = empty(n, np.float64), empty(raw.shape, raw.dtype)
    launch(_loss_rows, n)(LOSS_KINDS[name], raw, y, p, row_loss, grad)
    return reduce.total(row_loss), grad


@cuda.jit
def _link(kind, raw, out):
    i = cuda.grid(1)
    if i >= raw.shape[0]:
        return
    if kind == 0:
        lse = _log_sum_exp(raw, i)
        for j in range(raw.shape[1]):
            out[i, j] = math.exp(raw[i, j] - lse)
    elif kind == 1:
        for j in range(raw.shape[1]):
            out[i, j] = sigmoid(raw[i, j])
    else:
        for j in range(raw.shape[1]):
            out[i, j] = raw[i, j]


def link(name, raw):
    out = empty(raw.shape, raw.dtype)
    launch(_link, raw.shape[0])(LOSS_KINDS[name], raw, out)
    return out
