"""Plain NumPy reference implementations of the kernels (NCHW), written for clarity."""

import math

import numpy as np


def padding_amounts(size, kernel, stride, padding):
    """(before, after) padding of one axis, per the textbook definitions."""
    if padding == "valid":
        return 0, 0
    if padding == "same":
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + kernel - size, 0)
        return total // 2, total - total // 2
    return padding, padding


def _pad(x, kh, kw, stride, padding):
    top, bottom = padding_amounts(x.shape[2], kh, stride, padding)
    left, right = padding_amounts(x.shape[3], kw, stride, padding)
    return np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right))), (top, left)


def conv2d(x, w, b, stride, padding):
    f, c, kh, kw = w.shape
    xp, _ = _pad(x, kh, kw, stride, padding)
    oh = (xp.shape[2] - kh) // stride + 1
    ow = (xp.shape[3] - kw) // stride + 1
    y = np.zeros((x.shape[0], f, oh, ow))
    for n in range(x.shape[0]):
        for i in range(oh):
            for j in range(ow):
                window = xp[n, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                for k in range(f):
                    y[n, k, i, j] = np.sum(window * w[k]) + (0 if b is None else b[k])
    return y


def conv2d_backward(dy, x, w, stride, padding):
    f, c, kh, kw = w.shape
    xp, (top, left) = _pad(x, kh, kw, stride, padding)
    dxp = np.zeros_like(xp, dtype=np.float64)
    dw = np.zeros(w.shape)
    for n in range(x.shape[0]):
        for i in range(dy.shape[2]):
            for j in range(dy.shape[3]):
                rows = slice(i * stride, i * stride + kh)
                cols = slice(j * stride, j * stride + kw)
                for k in range(f):
                    dw[k] += dy[n, k, i, j] * xp[n, :, rows, cols]
                    dxp[n, :, rows, cols] += dy[n, k, i, j] * w[k]
    dx = dxp[:, :, top:top + x.shape[2], left:left + x.shape[3]]
    return dx, dw, dy.sum(axis=(0, 2, 3))


def _windows(x, pool, stride, pad=0):
    """Each output's index and its window, clipped to the map (padding takes no part)."""
    oh = (x.shape[2] + 2 * pad - pool) // stride + 1
    ow = (x.shape[3] + 2 * pad - pool) // stride + 1
    for n in range(x.shape[0]):
        for c in range(x.shape[1]):
            for i in range(oh):
                for j in range(ow):
                    top, left = i * stride - pad, j * stride - pad
                    rows = slice(max(top, 0), min(top + pool, x.shape[2]))
                    cols = slice(max(left, 0), min(left + pool, x.shape[3]))
                    yield (n, c, i, j), (n, c, rows, cols)


def _output(x, pool, stride, pad=0):
    oh = (x.shape[2] + 2 * pad - pool) // stride + 1
    ow = (x.shape[3] + 2 * pad - pool) // stride + 1
    return np.zeros((x.shape[0], x.shape[1], oh, ow))


def max_pool2d(x, pool, stride, pad=0):
    y = _output(x, pool, stride, pad)
    for out, window in _windows(x, pool, stride, pad):
        y[out] = x[window].max()
    return y


def max_pool2d_backward(dy, x, pool, stride, pad=0):
    dx = np.zeros(x.shape)
    for out, window in _windows(x, pool, stride, pad):
        block = x[window]
        p, q = np.unravel_index(np.argmax(block), block.shape)
        n, c, rows, cols = window
        dx[n, c, rows.start + p, cols.start + q] += dy[out]
    return dx


def avg_pool2d(x, pool, stride, pad=0):
    y = _output(x, pool, stride, pad)
    for out, window in _windows(x, pool, stride, pad):
        y[out] = x[window].mean()
    return y


def avg_pool2d_backward(dy, x, pool, stride, pad=0):
    dx = np.zeros(x.shape)
    for out, window in _windows(x, pool, stride, pad):
        dx[window] += dy[out] / x[window].size
    return dx


def stochastic_pool2d_expectation(x, pool, stride, pad=0):
    y = _output(x, pool, stride, pad)
    for out, window in _windows(x, pool, stride, pad):
        a = np.maximum(x[window], 0)
        y[out] = (a * a).sum() / a.sum() if a.sum() > 0 else 0.0
    return y
