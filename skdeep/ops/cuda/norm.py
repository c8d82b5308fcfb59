"""Batch normalization on the GPU over a (rows, channels) device array.

The same statistics as :mod:`skdeep.ops.cpu.norm`: row ``r`` belongs to sample ``r //
positions`` and weighs ``fraction[n] / positions``; sums are float64, shifted by the first
row. Reductions run in two fixed stages (a grid of row slices writes partial sums, one
thread per channel adds them in order), so results never depend on scheduling.
"""

import math

import numpy as np
from numba import cuda

from .arrays import empty, launch, row_channel
from .support import simulated

_CHANNELS = 8 if simulated() else 32
"""Channels per block (threadIdx.x) of the partial-sum kernels (fewer threads under the
simulator, which runs one Python thread per GPU thread)."""
_LANES = 4 if simulated() else 8
"""Row lanes per block (threadIdx.y)."""
_MAX_SLICES = 64


def _slices(n_rows):
    return int(max(1, min(_MAX_SLICES, n_rows // 256)))


def _partial_launch(kernel, channels, slices):
    grid = (-(-channels // _CHANNELS), slices)
    return kernel[grid, (_CHANNELS, _LANES)]


@cuda.jit(device=True, inline="always")
def _reduce_lanes(shared, c_local, lane, value):
    shared[lane, c_local] = value
    cuda.syncthreads()
    total = 0.0
    if lane == 0:
        for k in range(_LANES):
            total += shared[k, c_local]
    cuda.syncthreads()
    return total


@cuda.jit(device=True, inline="always")
def _store_partials(partial, c_local, lane, c, first, second):
    """Add up a block's row lanes and write its two partial sums for channel ``c``."""
    shared = cuda.shared.array((_LANES, _CHANNELS), np.float64)
    first = _reduce_lanes(shared, c_local, lane, first)
    second = _reduce_lanes(shared, c_local, lane, second)
    if lane == 0 and c < partial.shape[2]:
        partial[cuda.blockIdx.y, 0, c] = first
        partial[cuda.blockIdx.y, 1, c] = second


@cuda.jit(device=True, inline="always")
def _sum_slices(partial, c):
    """The two sums of channel ``c`` over every row slice, added in order."""
    first = 0.0
    second = 0.0
    for s in range(partial.shape[0]):
        first += partial[s, 0, c]
        second += partial[s, 1, c]
    return first, second


@cuda.jit
def _forward_partials(x, fraction, positions, partial):
    c_local, lane = cuda.threadIdx.x, cuda.threadIdx.y
    c = cuda.blockIdx.x * _CHANNELS + c_local
    n_rows, channels = x.shape
    first = 0.0
    second = 0.0
    if c < channels:
        shift = x[0, c]
        step = cuda.gridDim.y * _LANES
        for r in range(cuda.blockIdx.y * _LANES + lane, n_rows, step):
            w = fraction[r // positions] / positions
            d = x[r, c] - shift
            first += w * d
            second += w * d * d
    _store_partials(partial, c_local, lane, c, first, second)


@cuda.jit
def _statistics(x, partial, eps, momentum, mean, inv_std, running_mean, running_var):
    c = cuda.grid(1)
    if c >= mean.size:
        return
    first, second = _sum_slices(partial, c)
    m = x[0, c] + first
    var = max(second - first * first, 0.0)
    mean[c] = m
    inv_std[c] = 1.0 / math.sqrt(var + eps)
    running_mean[c] += momentum * (m - running_mean[c])
    running_var[c] += momentum * (var - running_var[c])


@cuda.jit
def _normalize(x, mean, inv_std, gamma, beta, relu, out, x_hat):
    """``relu``: also apply the ReLU that follows (see the CPU kernels in
    :mod:`skdeep.ops.cpu.norm`)."""
    i = cuda.grid(1)
    if i >= x.size:
        return
    r, c = row_channel(i, x)
    h = (x[r, c] - mean[c]) * inv_std[c]
    x_hat[r, c] = h
    y = gamma[c] * x_hat[r, c] + beta[c]
    out[r, c] = 0.0 if relu and y < 0 else y


@cuda.jit
def _relu_gate(dy, x_hat, gamma, beta, gated):
    """``dy`` where the fused ReLU's input ``gamma * x_hat + beta`` is positive, else
    ``dy * 0`` (a NaN or inf ``dy`` stays visible)."""
    i = cuda.grid(1)
    if i >= dy.size:
        return
    r, c = row_channel(i, dy)
    g = dy[r, c]
    if not gamma[c] * x_hat[r, c] + beta[c] > 0:
        g = g * 0
    gated[r, c] = g


@cuda.jit
def _backward_partials(dy, x_hat, partial):
    c_local, lane = cuda.threadIdx.x, cuda.threadIdx.y
    c = cuda.blockIdx.x * _CHANNELS + c_local
    n_rows, channels = dy.shape
    first = 0.0
    second = 0.0
    if c < channels:
        step = cuda.gridDim.y * _LANES
        for r in range(cuda.blockIdx.y * _LANES + lane, n_rows, step):
            first += dy[r, c]
            second += dy[r, c] * x_hat[r, c]
    _store_partials(partial, c_local, lane, c, first, second)


@cuda.jit
def _gradient_totals(partial, gamma, dgamma, dbeta, totals):
    c = cuda.grid(1)
    if c >= gamma.size:
        return
    first, second = _sum_slices(partial, c)
    dbeta[c] = first
    dgamma[c] = second
    totals[0, c] = gamma[c] * first
    totals[1, c] = gamma[c] * second


@cuda.jit
def _input_gradient(dy, x_hat, fraction, positions, gamma, inv_std, totals, dx):
    i = cuda.grid(1)
    if i >= dy.size:
        return
    r, c = row_channel(i, dy)
    w = fraction[r // positions] / positions
    dx[r, c] = (dy[r, c] * gamma[c] - w * (totals[0, c] + x_hat[r, c] * totals[1, c])) * inv_std[c]


@cuda.jit
def _inference(x, gamma, beta, running_mean, running_var, eps, relu, out):
    i = cuda.grid(1)
    if i >= x.size:
        return
    r, c = row_channel(i, x)
    scale = gamma[c] / math.sqrt(running_var[c] + eps)
    y = (x[r, c] - running_mean[c]) * scale + beta[c]
    out[r, c] = 0.0 if relu and y < 0 else y


def forward(rows, fraction, positions, gamma, beta, eps, running_mean, running_var, momentum,
            relu=False):
    """Training-mode batch norm (then a ReLU when ``relu``); updates the running averages;
    returns (out, cache)."""
    n_rows, channels = rows.shape
    slices = _slices(n_rows)
    partial = empty((slices, 2, channels), np.float64)
    _partial_launch(_forward_partials, channels, slices)(rows, fraction, positions, partial)
    mean, inv_std = empty(channels, np.float64), empty(channels, np.float64)
    launch(_statistics, channels)(rows, partial, eps, momentum, mean, inv_std, running_mean,
                                  running_var)
    out, x_hat = empty(rows.shape, rows.dtype), empty(rows.shape, rows.dtype)
    launch(_normalize, rows.size)(rows, mean, inv_std, gamma, beta, relu, out, x_hat)
    return out, (x_hat, inv_std, fraction, positions, beta, relu)


def backward(dy, cache, gamma, dgamma, dbeta):
    x_hat, inv_std, fraction, positions, beta, relu = cache
    if relu:
        gated = empty(dy.shape, dy.dtype)
        launch(_relu_gate, dy.size)(dy, x_hat, gamma, beta, gated)
        dy = gated
    n_rows, channels = dy.shape
    slices = _slices(n_rows)
    partial = empty((slices, 2, channels), np.float64)
    _partial_launch(_backward_partials, channels, slices)(dy, x_hat, partial)
    totals = empty((2, channels), np.float64)
    launch(_gradient_totals, channels)(partial, gamma, dgamma, dbeta, totals)
    dx = empty(dy.shape, dy.dtype)
    launch(_input_gradient, dy.size)(dy, x_hat, fraction, positions, gamma, inv_std, totals, dx)
    return dx


def inference(rows, gamma, beta, running_mean, running_var, eps, relu=False):
    out = empty(rows.shape, rows.dtype)
    launch(_inference, rows.size)(rows, gamma, beta, running_mean, running_var, eps, relu, out)
    return out
