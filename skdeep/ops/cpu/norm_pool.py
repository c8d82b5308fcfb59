"""Batch norm followed by 2x2 max pooling (stride 2, no padding) in batch norm's passes.

A pair fused by :func:`skdeep.nn.network.fuse_batch_norm_max_pool`. Apart, batch norm
writes its whole output and pooling reads it back to keep a quarter; on the way back
pooling writes a gradient the size of the maps, three quarters zeros, which batch norm
reads twice. Together, the forward pass normalizes each window's four values in registers
and writes only the pooled output and the position it took; the backward pass looks each
value's gradient up in the pooled gradient (the value that was taken gets it, the others
nothing) while it makes batch norm's two passes.

The arithmetic is that of the two layers: the same expressions as :mod:`.norm` (the
ReLU's clamp included, when batch norm applies one), the window's candidates compared in
the order of :func:`.pool.max_pool_2x2_forward`, the gradient a value gets written as
pooling's backward pass writes it (``0 + dy``), and batch norm's sums over the same blocks
of rows in the same order. So the results are those of the separate layers to the bit.
"""

import numpy as np
from numba import njit

from .flat import flat_rows
from .norm import (
    _BLOCK_ROWS,
    _block_sums,
    _clamp,
    _floor,
    _gate,
    batch_norm_statistics,
)
from .threads import over_ranges


@njit(cache=True, nogil=True)
def _normalize_max_pool(x, stride, x_shape, mean, inv_std, gamma, beta, floor, dst, taken,
                        first, stop):
    """Images ``first:stop``: each 2x2 window's largest normalized value (and its flat
    position ``h * W + w``) per channel."""
    height, width, channels = x_shape[1], x_shape[2], x_shape[3]
    out_h, out_w = height // 2, width // 2
    n_channels = np.uint64(channels)
    for n in range(first, stop):
        for oh in range(out_h):
            for ow in range(out_w):
                o = np.uint64(((n * out_h + oh) * out_w + ow) * channels)
                flat = (2 * oh) * width + 2 * ow
                top = np.uint64((n * height * width + flat) * stride)
                bottom = top + np.uint64(width * stride)
                right, down = np.int32(flat + 1), np.int32(flat + width)
                step = np.uint64(stride)
                for c in range(n_channels):
                    m, s, g, b = mean[c], inv_std[c], gamma[c], beta[c]
                    best = _clamp(g * ((x[top + c] - m) * s) + b, floor)
                    at = np.int32(flat)
                    v = _clamp(g * ((x[top + step + c] - m) * s) + b, floor)
                    at = right if v > best else at
                    best = v if v > best else best
                    v = _clamp(g * ((x[bottom + c] - m) * s) + b, floor)
                    at = down if v > best else at
                    best = v if v > best else best
                    v = _clamp(g * ((x[bottom + step + c] - m) * s) + b, floor)
                    at = down + 1 if v > best else at
                    best = v if v > best else best
                    dst[o + c] = best
                    taken[o + c] = at


@njit(inline="always")
def _window_of(n, h, w, x_shape):
    """Where the gradient of pixel ``(n, h, w)`` comes from: the offset of its window's
    row in the pooled arrays and the position that window must have taken, or (0, -2),
    which no window takes, for a pixel no window covers (the last row or column of an
    odd-sized map)."""
    height, width, channels = x_shape[1], x_shape[2], x_shape[3]
    out_h, out_w = height // 2, width // 2
    oh, ow = h // 2, w // 2
    if oh >= out_h or ow >= out_w:
        return np.uint64(0), np.int32(-2)
    return np.uint64(((n * out_h + oh) * out_w + ow) * channels), np.int32(h * width + w)


@njit(inline="always")
def _next_pixel(n, h, w, x_shape):
    w += 1
    if w == x_shape[2]:
        w = 0
        h += 1
        if h == x_shape[1]:
            h = 0
            n += 1
    return n, h, w


@njit(inline="always")
def _pixel_of(r, x_shape):
    pixels = x_shape[1] * x_shape[2]
    p = r % pixels
    return r // pixels, p // x_shape[2], p % x_shape[2]


@njit(cache=True, nogil=True)
def _routed_gradient_blocks(dy, taken, x_shape, x, stride, mean, inv_std, gamma, beta, relu,
                            zero, partial, first, stop):
    """:func:`.norm._gradient_blocks` with ``dy`` routed from the pooled gradient."""
    channels = x_shape[3]
    n_rows = x_shape[0] * x_shape[1] * x_shape[2]
    for b in range(first, stop):
        for c in range(channels):
            partial[b, 0, c] = 0.0
            partial[b, 1, c] = 0.0
        n, h, w = _pixel_of(b * _BLOCK_ROWS, x_shape)
        for r in range(b * _BLOCK_ROWS, min(n_rows, (b + 1) * _BLOCK_ROWS)):
            row = np.uint64(r * stride)
            o, position = _window_of(n, h, w, x_shape)
            for c in range(np.uint64(channels)):
                d = zero + dy[o + c] if taken[o + c] == position else zero
                x_hat = (x[row + c] - mean[c]) * inv_std[c]
                g = _gate(d, gamma[c] * x_hat + beta[c], relu, zero)
                partial[b, 0, c] += g
                partial[b, 1, c] += g * x_hat
            n, h, w = _next_pixel(n, h, w, x_shape)


@njit(cache=True, nogil=True)
def _routed_input_gradient_rows(dy, taken, x_shape, x, stride, mean, fraction, positions,
                                gamma, beta, relu, zero, sum_dx_hat, sum_dx_hat_x_hat,
                                inv_std, dx, first, stop):
    """:func:`.norm._input_gradient_rows` with ``dy`` routed from the pooled gradient."""
    n, h, w = _pixel_of(first, x_shape)
    for r in range(first, stop):
        weight = fraction[r // positions] / positions
        row = np.uint64(r * stride)
        o, position = _window_of(n, h, w, x_shape)
        for c in range(np.uint64(x_shape[3])):
            d = zero + dy[o + c] if taken[o + c] == position else zero
            x_hat = (x[row + c] - mean[c]) * inv_std[c]
            g = _gate(d, gamma[c] * x_hat + beta[c], relu, zero)
            dx[r, c] = (g * gamma[c]
                        - weight * (sum_dx_hat[c] + x_hat * sum_dx_hat_x_hat[c])) * inv_std[c]
        n, h, w = _next_pixel(n, h, w, x_shape)


def forward(x, fraction, positions, gamma, beta, eps, running_mean, running_var, momentum,
            relu=False):
    """Batch norm of the maps ``x`` (N, H, W, C; then a ReLU when ``relu``) with weighted
    batch statistics, pooled over 2x2 windows; update the running averages in place; return
    the pooled output and what :func:`backward` needs."""
    x = np.ascontiguousarray(x)
    rows = x.reshape(-1, x.shape[3])
    fraction = np.asarray(fraction, dtype=np.float64)
    mean, var, inv_std = batch_norm_statistics(rows, fraction, positions, eps)
    running_mean += (momentum * (mean - running_mean)).astype(x.dtype)
    running_var += (momentum * (var - running_var)).astype(x.dtype)
    n, height, width, channels = x.shape
    out = np.empty((n, height // 2, width // 2, channels), dtype=x.dtype)
    taken = np.empty(out.shape, dtype=np.int32)
    flat, stride = flat_rows(rows)
    over_ranges(_normalize_max_pool, n, flat, stride, x.shape, mean.astype(x.dtype),
                inv_std.astype(x.dtype), gamma, beta, _floor(relu, x.dtype), out.reshape(-1),
                taken.reshape(-1))
    return out, (x, taken, mean, inv_std, fraction, positions, beta, relu)


def backward(dy, cache, gamma, dgamma, dbeta):
    """Gradient of :func:`forward` with respect to its maps; fills ``dgamma`` and
    ``dbeta``."""
    x, taken, mean, inv_std, fraction, positions, beta, relu = cache
    dy = np.ascontiguousarray(dy).reshape(-1)
    mean, inv_std = mean.astype(dy.dtype), inv_std.astype(dy.dtype)
    zero, floor = dy.dtype.type(0), _floor(relu, dy.dtype)
    channels = x.shape[3]
    rows = x.reshape(-1, channels)
    flat, stride = flat_rows(rows)
    index = taken.reshape(-1)
    total = _block_sums(_routed_gradient_blocks, len(rows), channels, dy, index, x.shape, flat,
                        stride, mean, inv_std, gamma, beta, floor, zero)
    dbeta[...] = total[0]
    dgamma[...] = total[1]
    dx = np.empty(x.shape, dtype=dy.dtype)
    over_ranges(_routed_input_gradient_rows, len(rows), dy, index, x.shape, flat, stride, mean,
                fraction, positions, gamma, beta, floor, zero,
                (gamma * total[0]).astype(dy.dtype), (gamma * total[1]).astype(dy.dtype),
                inv_std, dx.reshape(-1, channels))
    return dx
