"""The CPU backend in channels-last layout: allocate outputs, call the Numba kernels.

Layers call these functions on (N, H, W, C) arrays; :mod:`skdeep.ops` wraps them for NCHW
callers. Weights are a matrix (KH * KW * C, F) with rows ordered (kh, kw, c).
"""

import numpy as np

from . import _cpu_augment, _cpu_conv, _cpu_direct, _cpu_norm, _cpu_pool
from ._threads import kernel_threads, numba_owns_cores


DIRECT_MAX_FILTERS = 16
"""Up to this many output channels the direct kernel beats im2col + BLAS (measured)."""


def conv2d(x, wmat, bias, kernel_hw, stride_hw, geometry, method=None):
    """Convolution of ``x`` (N, H, W, C); ``geometry`` is :func:`conv_geometry`'s result.

    ``method`` is ``"direct"`` (register-tiled kernel), ``"gemm"`` (im2col + BLAS) or None
    (direct for up to ``DIRECT_MAX_FILTERS`` output channels).
    """
    out_h, out_w, top, left = geometry
    n, f = x.shape[0], wmat.shape[1]
    out = np.empty((n, out_h, out_w, f), dtype=x.dtype)
    if method is None:
        method = "direct" if f <= DIRECT_MAX_FILTERS else "gemm"
    with kernel_threads():
        if method == "direct":
            _direct_conv2d(x, wmat, bias, kernel_hw, stride_hw, geometry, out)
        else:
            chunk = _cpu_conv.chunk_size(n, out_h * out_w, wmat.shape[0], x.itemsize)
            _cpu_conv.conv2d_forward(x, wmat, bias, stride_hw[0], stride_hw[1], top, left,
                                     kernel_hw[0], kernel_hw[1], chunk, out)
    return out


def _direct_conv2d(x, wmat, bias, kernel_hw, stride_hw, geometry, out):
    out_h, out_w, top, left = geometry
    rows = (out_h - 1) * stride_hw[0] + kernel_hw[0]
    cols = _cpu_direct.canvas_width(out_w, stride_hw[1], kernel_hw[1])
    canvas = np.empty((x.shape[0], rows, cols, x.shape[3]), dtype=x.dtype)
    _cpu_direct.fill_canvas(x, top, left, canvas)
    _cpu_direct.conv2d_forward(canvas, _cpu_direct.pack_weights(wmat), bias, stride_hw[0],
                               stride_hw[1], kernel_hw[0], kernel_hw[1], out)


def conv2d_backward(dy, x, wmat, kernel_hw, stride_hw, geometry, need_dx=True,
                    dwmat=None, dbias=None, method=None):
    """Gradients ``(dx, dwmat, dbias)``; ``dx`` is None unless ``need_dx``.

    ``dwmat`` and ``dbias`` are filled in place when given.
    ``method``: ``"gemm"`` (im2col + BLAS), ``"single_channel"`` (one-channel inputs,
    stride 1, no ``dx``: a first layer on grey images) or None (the latter where it applies).
    """
    _, _, top, left = geometry
    dx = np.empty_like(x) if need_dx else np.empty((1, 1, 1, 1), dtype=x.dtype)
    dwmat = np.empty_like(wmat) if dwmat is None else dwmat
    dbias = np.empty(wmat.shape[1], dtype=x.dtype) if dbias is None else dbias
    dy = np.ascontiguousarray(dy)
    positions = dy.shape[1] * dy.shape[2]
    if method is None:
        single = x.shape[3] == 1 and tuple(stride_hw) == (1, 1) and not need_dx
        method = "single_channel" if single else "gemm"
    with kernel_threads():
        if method == "single_channel":
            # Longer GEMM reductions pay here: chunks of 4x the usual unfolded size.
            chunk = min(x.shape[0], 4 * _cpu_conv.chunk_size(x.shape[0], positions,
                                                              wmat.shape[0], x.itemsize))
            _cpu_conv.conv2d_weight_grad_single_channel(x, dy, top, left, kernel_hw[0],
                                                        kernel_hw[1], chunk, dwmat, dbias)
        else:
            chunk = _cpu_conv.chunk_size(x.shape[0], positions, wmat.shape[0], x.itemsize)
            _cpu_conv.conv2d_backward(dy, x, wmat, stride_hw[0], stride_hw[1], top, left,
                                      kernel_hw[0], kernel_hw[1], chunk, need_dx, dx, dwmat,
                                      dbias)
    return (dx if need_dx else None), dwmat, dbias


def _pool_output(x, out_hw):
    return np.empty((x.shape[0], out_hw[0], out_hw[1], x.shape[3]), dtype=x.dtype)


def max_pool2d(x, pool_hw, stride_hw, out_hw):
    """Max pooling; returns the output and the flat input position each output took."""
    out = _pool_output(x, out_hw)
    index = np.empty(out.shape, dtype=np.int32)
    with kernel_threads():
        _cpu_pool.max_pool_forward(x, pool_hw[0], pool_hw[1], stride_hw[0], stride_hw[1], out, index)
    return out, index


def pool2d_backward_from_index(dy, index, x_shape, dtype):
    """Backward of max (and sampled stochastic) pooling."""
    dx = np.empty(x_shape, dtype=dtype)
    with kernel_threads():
        _cpu_pool.pool_backward_from_index(np.ascontiguousarray(dy), index, dx)
    return dx


def avg_pool2d(x, pool_hw, stride_hw, out_hw):
    out = _pool_output(x, out_hw)
    with kernel_threads():
        _cpu_pool.avg_pool_forward(x, pool_hw[0], pool_hw[1], stride_hw[0], stride_hw[1], out)
    return out


def avg_pool2d_backward(dy, pool_hw, stride_hw, x_shape):
    dx = np.empty(x_shape, dtype=dy.dtype)
    with kernel_threads():
        _cpu_pool.avg_pool_backward(np.ascontiguousarray(dy), pool_hw[0], pool_hw[1],
                                    stride_hw[0], stride_hw[1], dx)
    return dx


def stochastic_pool2d_sample(x, keys, stream, pool_hw, stride_hw, out_hw):
    """Training-time stochastic pooling; returns the output and the positions drawn."""
    out = _pool_output(x, out_hw)
    index = np.empty(out.shape, dtype=np.int32)
    with kernel_threads():
        _cpu_pool.stochastic_pool_sample(x, keys, np.uint64(stream), pool_hw[0], pool_hw[1],
                                         stride_hw[0], stride_hw[1], out, index)
    return out, index


def stochastic_pool2d_expectation(x, pool_hw, stride_hw, out_hw):
    out = _pool_output(x, out_hw)
    with kernel_threads():
        _cpu_pool.stochastic_pool_expectation(x, pool_hw[0], pool_hw[1], stride_hw[0],
                                              stride_hw[1], out)
    return out


def stochastic_pool2d_expectation_backward(dy, x, pool_hw, stride_hw):
    dx = np.empty_like(x)
    with kernel_threads():
        _cpu_pool.stochastic_pool_expectation_backward(np.ascontiguousarray(dy), x, pool_hw[0],
                                                       pool_hw[1], stride_hw[0], stride_hw[1], dx)
    return dx


def shift_flip(x, keys, stream, max_shift_hw, flip):
    """Randomly shifted (up to ``max_shift_hw`` pixels) and flipped copies of ``x``."""
    out = np.empty_like(x)
    with kernel_threads():
        _cpu_augment.shift_flip(x, keys, np.uint64(stream), max_shift_hw[0], max_shift_hw[1],
                                flip, out)
    return out


def batch_norm_training(rows, fraction, positions, gamma, beta, eps, out, x_hat):
    """Batch norm of (rows, channels) with weighted batch statistics; fills ``out`` and
    ``x_hat``, returns (mean, var, inv_std) in float64. Parallel only inside
    :func:`kernel_threads` (see :mod:`skdeep.ops._cpu_norm`)."""
    kernel = _cpu_norm.batch_norm_forward if numba_owns_cores() else _cpu_norm.batch_norm_forward_serial
    return kernel(rows, fraction, positions, gamma, beta, eps, out, x_hat)


def batch_norm_gradient(dy, x_hat, fraction, positions, gamma, inv_std, dx, dgamma, dbeta):
    kernel = _cpu_norm.batch_norm_backward if numba_owns_cores() else _cpu_norm.batch_norm_backward_serial
    kernel(dy, x_hat, fraction, positions, gamma, inv_std, dx, dgamma, dbeta)


def batch_norm_inference(rows, scale, shift, out):
    kernel = _cpu_norm.scale_shift if numba_owns_cores() else _cpu_norm.scale_shift_serial
    kernel(rows, scale, shift, out)
