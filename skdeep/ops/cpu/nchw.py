"""The public NCHW kernels on the CPU: arguments checked by :mod:`skdeep.ops._validate`
come in as NumPy arrays; layout changes to and from channels-last are NumPy copies."""

import numpy as np

from . import conv, pool
from .random import index_keys


def _nhwc(x, dtype):
    return np.ascontiguousarray(x.transpose(0, 2, 3, 1), dtype=dtype)


def _nchw(y):
    return np.ascontiguousarray(y.transpose(0, 3, 1, 2))


def _weight_matrix(w, dtype):
    """(F, C, KH, KW) weights as the kernels' (KH * KW * C, F) matrix."""
    return np.ascontiguousarray(w.transpose(2, 3, 1, 0), dtype=dtype).reshape(-1, w.shape[0])


def conv2d(x, w, b, spec):
    wmat = _weight_matrix(w, spec.dtype)
    bias = np.zeros(wmat.shape[1], spec.dtype) if b is None else np.asarray(b, spec.dtype)
    return _nchw(conv.conv2d(_nhwc(x, spec.dtype), wmat, bias, spec.kernel, spec.stride,
                             spec.geometry))


def conv2d_backward(dy, x, w, spec):
    dx, dwmat, db = conv.conv2d_backward(_nhwc(dy, spec.dtype), _nhwc(x, spec.dtype),
                                         _weight_matrix(w, spec.dtype), spec.kernel,
                                         spec.stride, spec.geometry)
    f, c, kh, kw = w.shape
    dw = np.ascontiguousarray(dwmat.reshape(kh, kw, c, f).transpose(3, 2, 0, 1))
    return _nchw(dx), dw, db


def max_pool2d(x, spec):
    return _nchw(pool.max_pool2d(_nhwc(x, spec.dtype), spec.pool, spec.stride, spec.out_hw,
                                 spec.pad)[0])


def max_pool2d_backward(dy, x, spec):
    x_nhwc = _nhwc(x, spec.dtype)
    _, index = pool.max_pool2d(x_nhwc, spec.pool, spec.stride, spec.out_hw, spec.pad)
    return _nchw(pool.pool2d_backward_from_index(_nhwc(dy, spec.dtype), index, x_nhwc.shape,
                                                 spec.dtype))


def avg_pool2d(x, spec):
    return _nchw(pool.avg_pool2d(_nhwc(x, spec.dtype), spec.pool, spec.stride, spec.out_hw,
                                 spec.pad))


def avg_pool2d_backward(dy, x, spec):
    x_shape = (x.shape[0], x.shape[2], x.shape[3], x.shape[1])
    return _nchw(pool.avg_pool2d_backward(_nhwc(dy, spec.dtype), spec.pool, spec.stride,
                                          x_shape, spec.pad))


def stochastic_pool2d(x, spec, seed):
    """``seed`` None: predict-time expectation; else training-time draws."""
    x_nhwc = _nhwc(x, spec.dtype)
    if seed is None:
        return _nchw(pool.stochastic_pool2d_expectation(x_nhwc, spec.pool, spec.stride,
                                                        spec.out_hw, spec.pad))
    keys = index_keys(x_nhwc.shape[0], np.uint64(seed))
    y, _ = pool.stochastic_pool2d_sample(x_nhwc, keys, 0, spec.pool, spec.stride, spec.out_hw,
                                         spec.pad)
    return _nchw(y)


def stochastic_pool2d_backward(dy, x, spec, seed):
    x_nhwc, dy_nhwc = _nhwc(x, spec.dtype), _nhwc(dy, spec.dtype)
    if seed is None:
        return _nchw(pool.stochastic_pool2d_expectation_backward(dy_nhwc, x_nhwc, spec.pool,
                                                                 spec.stride, spec.pad))
    keys = index_keys(x_nhwc.shape[0], np.uint64(seed))
    _, index = pool.stochastic_pool2d_sample(x_nhwc, keys, 0, spec.pool, spec.stride,
                                             spec.out_hw, spec.pad)
    return _nchw(pool.pool2d_backward_from_index(dy_nhwc, index, x_nhwc.shape, spec.dtype))
