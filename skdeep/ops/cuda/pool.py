"""2-D pooling on the GPU over channels-last device arrays: one thread per output element.

Windows, padding and the flat positions recorded are the CPU's
(:mod:`skdeep.ops.cpu.pool`): padded positions take no part. Backward kernels *gather*:
one thread per input element sums the gradients of the windows that cover it (and, for
max and stochastic pooling, chose it), so overlapping windows need no atomics and sums
run in a fixed order.
"""

import numpy as np
from numba import cuda

from ..cpu import pool as cpu_pool
from .arrays import empty, launch, nhwc_index
from .random import mix, uniform

# The CPU kernels' helpers, compiled from the same Python source for the GPU.
_window = cuda.jit(device=True, inline="always")(cpu_pool.window.py_func)
_positive_sums = cuda.jit(device=True, inline="always")(cpu_pool._positive_sums.py_func)


@cuda.jit
def _max_forward(x, pool_h, pool_w, stride_h, stride_w, pad_h, pad_w, out, index):
    i = cuda.grid(1)
    if i >= out.size:
        return
    n, oh, ow, c = nhwc_index(i, out)
    h0, h1 = _window(oh, stride_h, pad_h, pool_h, x.shape[1])
    w0, w1 = _window(ow, stride_w, pad_w, pool_w, x.shape[2])
    best = x[n, h0, w0, c]
    where = h0 * x.shape[2] + w0
    for ih in range(h0, h1):
        for iw in range(w0, w1):
            v = x[n, ih, iw, c]
            if v > best:
                best = v
                where = ih * x.shape[2] + iw
    out[n, oh, ow, c] = best
    index[n, oh, ow, c] = where


@cuda.jit(device=True, inline="always")
def _covering(pos, pool, stride, pad, out_size):
    """The outputs ``o`` whose window ``[o * stride - pad, o * stride - pad + pool)`` covers
    ``pos``: ``first..last``."""
    padded = pos + pad
    first = max(0, (padded - pool + stride) // stride)
    last = min(out_size - 1, padded // stride)
    return first, last


@cuda.jit
def _backward_from_index(dy, index, pool_h, pool_w, stride_h, stride_w, pad_h, pad_w, dx):
    i = cuda.grid(1)
    if i >= dx.size:
        return
    n, h, w, c = nhwc_index(i, dx)
    flat = h * dx.shape[2] + w
    oh0, oh1 = _covering(h, pool_h, stride_h, pad_h, dy.shape[1])
    ow0, ow1 = _covering(w, pool_w, stride_w, pad_w, dy.shape[2])
    total = 0.0
    for oh in range(oh0, oh1 + 1):
        for ow in range(ow0, ow1 + 1):
            if index[n, oh, ow, c] == flat:
                total += dy[n, oh, ow, c]
    dx[n, h, w, c] = total


@cuda.jit
def _avg_forward(x, pool_h, pool_w, stride_h, stride_w, pad_h, pad_w, out):
    i = cuda.grid(1)
    if i >= out.size:
        return
    n, oh, ow, c = nhwc_index(i, out)
    h0, h1 = _window(oh, stride_h, pad_h, pool_h, x.shape[1])
    w0, w1 = _window(ow, stride_w, pad_w, pool_w, x.shape[2])
    total = 0.0
    for ih in range(h0, h1):
        for iw in range(w0, w1):
            total += x[n, ih, iw, c]
    out[n, oh, ow, c] = total * (1.0 / ((h1 - h0) * (w1 - w0)))


@cuda.jit
def _avg_backward(dy, pool_h, pool_w, stride_h, stride_w, pad_h, pad_w, dx):
    i = cuda.grid(1)
    if i >= dx.size:
        return
    n, h, w, c = nhwc_index(i, dx)
    oh0, oh1 = _covering(h, pool_h, stride_h, pad_h, dy.shape[1])
    ow0, ow1 = _covering(w, pool_w, stride_w, pad_w, dy.shape[2])
    total = 0.0
    for oh in range(oh0, oh1 + 1):
        h0, h1 = _window(oh, stride_h, pad_h, pool_h, dx.shape[1])
        for ow in range(ow0, ow1 + 1):
            w0, w1 = _window(ow, stride_w, pad_w, pool_w, dx.shape[2])
            total += dy[n, oh, ow, c] * (1.0 / ((h1 - h0) * (w1 - w0)))
    dx[n, h, w, c] = total


@cuda.jit
def _stochastic_sample(x, keys, stream, pool_h, pool_w, stride_h, stride_w, pad_h, pad_w, out,
                       index):
    """The CPU kernel's draw (same hash, same counter): see
    ``skdeep.ops.cpu.pool.stochastic_pool_sample``."""
    i = cuda.grid(1)
    if i >= out.size:
        return
    out_w, channels = out.shape[2], out.shape[3]
    n, oh, ow, c = nhwc_index(i, out)
    h0, h1 = _window(oh, stride_h, pad_h, pool_h, x.shape[1])
    w0, w1 = _window(ow, stride_w, pad_w, pool_w, x.shape[2])
    total, _ = _positive_sums(x, n, h0, h1, w0, w1, c)
    value = 0.0
    where = -1
    if total > 0.0:
        row = mix(keys[n] ^ stream)
        target = uniform(row, (oh * out_w + ow) * channels + c) * total
        running = 0.0
        last = -1
        for ih in range(h0, h1):
            for iw in range(w0, w1):
                v = x[n, ih, iw, c]
                if v > 0.0:
                    last = ih * x.shape[2] + iw
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
def _stochastic_expectation(x, pool_h, pool_w, stride_h, stride_w, pad_h, pad_w, out):
    i = cuda.grid(1)
    if i >= out.size:
        return
    n, oh, ow, c = nhwc_index(i, out)
    h0, h1 = _window(oh, stride_h, pad_h, pool_h, x.shape[1])
    w0, w1 = _window(ow, stride_w, pad_w, pool_w, x.shape[2])
    total, squares = _positive_sums(x, n, h0, h1, w0, w1, c)
    out[n, oh, ow, c] = squares / total if total > 0.0 else 0.0


@cuda.jit
def _stochastic_expectation_backward(dy, x, pool_h, pool_w, stride_h, stride_w, pad_h, pad_w,
                                     dx):
    i = cuda.grid(1)
    if i >= dx.size:
        return
    n, h, w, c = nhwc_index(i, dx)
    v = x[n, h, w, c]
    total_grad = 0.0
    if v > 0.0:
        oh0, oh1 = _covering(h, pool_h, stride_h, pad_h, dy.shape[1])
        ow0, ow1 = _covering(w, pool_w, stride_w, pad_w, dy.shape[2])
        for oh in range(oh0, oh1 + 1):
            h0, h1 = _window(oh, stride_h, pad_h, pool_h, x.shape[1])
            for ow in range(ow0, ow1 + 1):
                w0, w1 = _window(ow, stride_w, pad_w, pool_w, x.shape[2])
                total, squares = _positive_sums(x, n, h0, h1, w0, w1, c)
                total_grad += dy[n, oh, ow, c] / total * (2.0 * v - squares / total)
    dx[n, h, w, c] = total_grad


def _outputs(x, out_hw, dtype=None):
    return empty((x.shape[0],) + tuple(out_hw) + (x.shape[3],), dtype or x.dtype)


def max_pool2d(x, pool, stride, out_hw, pad):
    out, index = _outputs(x, out_hw), _outputs(x, out_hw, "int32")
    launch(_max_forward, out.size)(x, *pool, *stride, *pad, out, index)
    return out, index


def pool2d_backward_from_index(dy, index, x_shape, pool, stride, pad):
    dx = empty(x_shape, dy.dtype)
    launch(_backward_from_index, dx.size)(dy, index, *pool, *stride, *pad, dx)
    return dx


def avg_pool2d(x, pool, stride, out_hw, pad):
    out = _outputs(x, out_hw)
    launch(_avg_forward, out.size)(x, *pool, *stride, *pad, out)
    return out


def avg_pool2d_backward(dy, pool, stride, x_shape, pad):
    dx = empty(x_shape, dy.dtype)
    launch(_avg_backward, dx.size)(dy, *pool, *stride, *pad, dx)
    return dx


def stochastic_pool2d_sample(x, keys, stream, pool, stride, out_hw, pad):
    out, index = _outputs(x, out_hw), _outputs(x, out_hw, "int32")
    launch(_stochastic_sample, out.size)(x, keys, np.uint64(stream), *pool, *stride, *pad, out,
                                         index)
    return out, index


def stochastic_pool2d_expectation(x, pool, stride, out_hw, pad):
    out = _outputs(x, out_hw)
    launch(_stochastic_expectation, out.size)(x, *pool, *stride, *pad, out)
    return out


def stochastic_pool2d_expectation_backward(dy, x, pool, stride, pad):
    dx = empty(x.shape, dy.dtype)
    launch(_stochastic_expectation_backward, dx.size)(dy, x, *pool, *stride, *pad, dx)
    return dx
