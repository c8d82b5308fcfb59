"""Reductions of the training step on the GPU, each in one block of fixed size.

One block of ``REDUCE_THREADS`` threads strides over the vector, each thread summing its
share in float64, then the block adds the shares in a fixed tree: the result never
depends on scheduling (no atomics). Results stay on the device as one-element arrays, so
reading them never stalls the step.
"""

import math

import numpy as np
from numba import cuda

from .._scalars import typed
from .arrays import empty, launch
from .support import simulated

REDUCE_THREADS = 32 if simulated() else 256
"""A power of two; the simulator runs one Python thread per GPU thread, so fewer there."""


@cuda.jit(device=True, inline="always")
def _block_sum(shared, value):
    t = cuda.threadIdx.x
    shared[t] = value
    cuda.syncthreads()
    width = REDUCE_THREADS // 2
    while width > 0:
        if t < width:
            shared[t] += shared[t + width]
        cuda.syncthreads()
        width //= 2
    return shared[0]


@cuda.jit
def _penalty(weights, grad, l1, l2, value):
    """``grad += l1 sign(w) + l2 w``; ``value[0] = l1 sum|w| + l2 / 2 sum w^2``."""
    shared = cuda.shared.array(REDUCE_THREADS, np.float64)
    total = 0.0
    for i in range(cuda.threadIdx.x, weights.size, REDUCE_THREADS):
        w = weights[i]
        sign = 1.0 if w > 0 else (-1.0 if w < 0 else 0.0)
        grad[i] += l1 * sign + l2 * w
        total += l1 * abs(w) + 0.5 * l2 * w * w
    total = _block_sum(shared, total)
    if cuda.threadIdx.x == 0:
        value[0] = total


def penalty(weights, grad, l1, l2):
    """Add the L1/L2 penalty's gradient to ``grad``; return the penalty's value (on the
    device)."""
    l1, l2 = typed(weights, l1, l2)
    value = empty(1, np.float64)
    _penalty[1, REDUCE_THREADS](weights, grad, l1, l2, value)
    return value


@cuda.jit
def _clip_norm(grad, clip_norm):
    """Rescale ``grad`` to L2 norm ``clip_norm`` when it is longer (reduce, then scale)."""
    shared = cuda.shared.array(REDUCE_THREADS, np.float64)
    total = 0.0
    for i in range(cuda.threadIdx.x, grad.size, REDUCE_THREADS):
        total += grad[i] * grad[i]
    norm = math.sqrt(_block_sum(shared, total))
    if norm > clip_norm:
        factor = clip_norm / norm
        for i in range(cuda.threadIdx.x, grad.size, REDUCE_THREADS):
            grad[i] *= factor


@cuda.jit
def _clip_value(grad, clip_value):
    i = cuda.grid(1)
    if i < grad.size:
        grad[i] = min(max(grad[i], -clip_value), clip_value)


def clip_gradient(grad, clip_norm=None, clip_value=None):
    if clip_norm is not None:
        _clip_norm[1, REDUCE_THREADS](grad, clip_norm)
    if clip_value is not None:
        launch(_clip_value, grad.size)(grad, clip_value)


@cuda.jit
def _count_non_finite(a, count):
    shared = cuda.shared.array(REDUCE_THREADS, np.float64)
    total = 0.0
    for i in range(cuda.threadIdx.x, a.size, REDUCE_THREADS):
        if not math.isfinite(a[i]):
            total += 1.0
    total = _block_sum(shared, total)
    if cuda.threadIdx.x == 0:
        count[0] = total


def is_finite(a):
    """Whether every element is finite (reads one number back)."""
    count = empty(1, np.float64)
    _count_non_finite[1, REDUCE_THREADS](a, count)
    return count.copy_to_host()[0] == 0


@cuda.jit
def _weighted_sum(values, scale, out):
    """``out[0] = scale * sum(values)``."""
    shared = cuda.shared.array(REDUCE_THREADS, np.float64)
    total = 0.0
    for i in range(cuda.threadIdx.x, values.size, REDUCE_THREADS):
        total += values[i]
    total = _block_sum(shared, total)
    if cuda.threadIdx.x == 0:
        out[0] = scale * total


def total(values, scale=1.0):
    """``scale * sum(values)`` as a one-element float64 device array."""
    out = empty(1, np.float64)
    _weighted_sum[1, REDUCE_THREADS](values, scale, out)
    return out


@cuda.jit
def _accumulate(acc, value, weight):
    if cuda.grid(1) == 0:
        acc[0] += weight * value[0]


def accumulate(acc, value, weight):
    """``acc[0] += weight * value[0]`` on the device."""
    _accumulate[1, 1](acc, value, weight)
