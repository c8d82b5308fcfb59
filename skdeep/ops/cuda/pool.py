"""2-D pooling on the GPU over channels-last device arrays: one thread per output element.

Forward kernels record, like the CPU's, the flat input position ``ih * W + iw`` each output
took. Backward kernels *gather*: one thread per input element sums the gradients of the
windows that cover it (and, for max and stochastic pooling, chose it), so overlapping
windows need no atomics and sums run in a fixed order.
"""

import numpy as np
from numba import cuda

from ..cpu import pool as cpu_pool
from .arrays import empty, launch, nhwc_index
from .random import mix, uniform


@cuda.jit
def _max_forward(x, pool_h, pool_w, stride_h, stride_w, out, index):
    i = cuda.grid(1)
    if i >= out.size:
        return
    n, oh, ow, c = nhwc_index(i, out)
    h0, w0 = oh * stride_h, ow * stride_w
    best = x[n, h0, w0, c]
    where = h0 * x.shape[2] + w0
    for ph in range(pool_h):
        for pw in range(pool_w):
            v = x[n, h0 + ph, w0 + pw, c]
            if v > best:
                best = v
                where = (h0 + ph) * x.shape[2] + w0 + pw
    out[n, oh, ow, c] = best
    index[n, oh, ow, c] = where


@cuda.jit(device=True, inline="always")
def _window_range(pos, pool, stride, out_size):
    """The outputs ``o`` whose window ``[o * stride, o * stride + pool)`` covers ``pos``."""
    first = max(0, (pos - pool + stride) // stride)
    last = min(out_size - 1, pos // stride)
    return first, last


@cuda.jit
def _backward_from_index(dy, index, pool_h, pool_w, stride_h, stride_w, dx):
    i = cuda.grid(1)
    if i >= dx.size:
        return
    n, h, w, c = nhwc_index(i, dx)
    flat = h * dx.shape[2] + w
    oh0, oh1 = _window_range(h, pool_h, stride_h, dy.shape[1])
    ow0, ow1 = _window_range(w, pool_w, stride_w, dy.shape[2])
    total = 0.0
    for oh in range(oh0, oh1 + 1):
        for ow in range(ow0, ow1 + 1):
            if index[n, oh, ow, c] == flat:
                total += dy[n, oh, ow, c]
    dx[n, h, w, c] = total


@cuda.jit
def _avg_forward(x, pool_h, pool_w, stride_h, stride_w, out):
    i = cuda.grid(1)
    if i >= out.size:
        return
    n, oh, ow, c = nhwc_index(i, out)
    h0, w0 = oh * stride_h, ow * stride_w
    total = 0.0
    for ph in range(pool_h):
        for pw in range(pool_w):
            total += x[n, h0 + ph, w0 + pw, c]
    out[n, oh, ow, c] = total * (1.0 / (pool_h * pool_w))


@cuda.jit
def _avg_backward(dy, pool_h, pool_w, stride_h, stride_w, dx):
    i = cuda.grid(1)
    if i >= dx.size:
        return
    n, h, w, c = nhwc_index(i, dx)
    oh0, oh1 = _window_range(h, pool_h, stride_h, dy.shape[1])
    ow0, ow1 = _window_range(w, pool_w, stride_w, dy.shape[2])
    total = 0.0
    for oh in range(oh0, oh1 + 1):
        for ow in range(ow0, ow1 + 1):
            total += dy[n, oh, ow, c]
    dx[n, h, w, c] = total * (1.0 / (pool_h * pool_w))


# The CPU kernels' helper, compiled from the same Python source for the GPU.
_positive_sums = cuda.jit(device=True, inline="always")(cpu_pool._positive_sums.py_func)


@cuda.jit
def _stochastic_sample(x, keys, stream, pool_h, pool_w, stride_h, stride_w, out, index):
    """The CPU kernel's draw (same hash, same counter): see
    ``skdeep.ops.cpu.pool.stochastic_pool_sample``."""
    i = cuda.grid(1)
    if i >= out.size:
        return
    out_w, channels = out.shape[2], out.shape[3]
    n, oh, ow, c = nhwc_index(i, out)
    h0, w0 = oh * stride_h, ow * stride_w
    total, _ = _positive_sums(x, n, h0, w0, c, pool_h, pool_w)
    value = 0.0
    where = -1
    if total > 0.0:
        row = mix(keys[n] ^ stream)
        target = uniform(row, (oh * out_w + ow) * channels + c) * total
        running = 0.0
        last = -1
        for ph in range(pool_h):
            for pw in range(pool_w):
                v = x[n, h0 + ph, w0 + pw, c]
                if v > 0.0:
                    last = (h0 + ph) * x.shape[2] + w0 + pw
                    if where < 0:
                        running += v
                        if running > target:
                            value = v
                            where = last
        if where < 0:  # rounding left the target at the total: the last positive input
            where = last
            value = x[n, last // x.shape[2], last % x.shape[2], c]
    out[n, oh, ow, c] = value
    index[n, oh, ow, c] = where


@cuda.jit
def _stochastic_expectation(x, pool_h, pool_w, stride_h, stride_w, out):
    i = cuda.grid(1)
    if i >= out.size:
        return
    n, oh, ow, c = nhwc_index(i, out)
    total, squares = _positive_sums(x, n, oh * stride_h, ow * stride_w, c, pool_h, pool_w)
    out[n, oh, ow, c] = squares / total if total > 0.0 else 0.0


@cuda.jit
def _stochastic_expectation_backward(dy, x, pool_h, pool_w, stride_h, stride_w, dx):
    i = cuda.grid(1)
    if i >= dx.size:
        return
    n, h, w, c = nhwc_index(i, dx)
    v = x[n, h, w, c]
    total_grad = 0.0
    if v > 0.0:
        oh0, oh1 = _window_range(h, pool_h, stride_h, dy.shape[1])
        ow0, ow1 = _window_range(w, pool_w, stride_w, dy.shape[2])
        for oh in range(oh0, oh1 + 1):
            for ow in range(ow0, ow1 + 1):
                total, squares = _positive_sums(x, n, oh * stride_h, ow * stride_w, c,
                                                pool_h, pool_w)
                total_grad += dy[n, oh, ow, c] / total * (2.0 * v - squares / total)
    dx[n, h, w, c] = total_grad


def _outputs(x, out_hw, dtype=None):
    return empty((x.shape[0],) + tuple(out_hw) + (x.shape[3],), dtype or x.dtype)


def max_pool2d(x, pool, stride, out_hw):
    out, index = _outputs(x, out_hw), _outputs(x, out_hw, "int32")
    launch(_max_forward, out.size)(x, *pool, *stride, out, index)
    return out, index


def pool2d_backward_from_index(dy, index, x_shape, pool, stride):
    dx = empty(x_shape, dy.dtype)
    launch(_backward_from_index, dx.size)(dy, index, *pool, *stride, dx)
    return dx


def avg_pool2d(x, pool, stride, out_hw):
    out = _outputs(x, out_hw)
    launch(_avg_forward, out.size)(x, *pool, *stride, out)
    return out


def avg_pool2d_backward(dy, pool, stride, x_shape):
    dx = empty(x_shape, dy.dtype)
    launch(_avg_backward, dx.size)(dy, *pool, *stride, dx)
    return dx


def stochastic_pool2d_sample(x, keys, stream, pool, stride, out_hw):
    out, index = _outputs(x, out_hw), _outputs(x, out_hw, "int32")
    launch(_stochastic_sample, out.size)(x, keys, np.uint64(stream), *pool, *stride, out, index)
    return out, index


def stochastic_pool2d_expectation(x, pool, stride, out_hw):
    out = _outputs(x, out_hw)
    launch(_stochastic_expectation, out.size)(x, *pool, *stride, out)
    return out


def stochastic_pool2d_expectation_backward(dy, x, pool, stride):
    dx = empty(x.shape, dy.dtype)
    launch(_stochastic_expectation_backward, dx.size)(dy, x, *pool, *stride, dx)
    return dx
