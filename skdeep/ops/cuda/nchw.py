"""The public NCHW kernels on the GPU: arguments checked by :mod:`skdeep.ops._validate`.

NumPy inputs are copied to the device and the results back; device arrays stay where they
are (layout changes run as kernels). The same functions as :mod:`skdeep.ops.cpu.nchw`.
"""

import numpy as np

from ..cpu.random import index_keys
from . import conv as conv_ops
from . import pool as pool_ops
from .arrays import is_device_array, permute4, to_device

_TO_NHWC = (0, 2, 3, 1)
_TO_NCHW = (0, 3, 1, 2)


def _upload(arrays, dtype):
    """Device arrays in ``dtype``, and whether to return device arrays."""
    present = [a for a in arrays if a is not None]
    on_device = any(is_device_array(a) for a in present)
    out = []
    for a in arrays:
        if a is None:
            out.append(None)
        elif is_device_array(a):
            if a.dtype != dtype:
                raise ValueError(f"Device arrays given to skdeep.ops must share one dtype "
                                 f"(float32 or float64). Received {a.dtype} and {dtype}.")
            out.append(a)
        else:
            out.append(to_device(np.asarray(a), dtype))
    return out, on_device


def _result(a, on_device):
    return a if on_device else a.copy_to_host()


def _weight_matrix(w):
    f, c, kh, kw = w.shape
    return permute4(w, (2, 3, 1, 0)).reshape(kh * kw * c, f)


def conv2d(x, w, b, spec):
    (x, w, b), on_device = _upload([x, w, b], spec.dtype)
    if b is None:
        b = to_device(np.zeros(w.shape[0], spec.dtype))
    y = conv_ops.conv2d(permute4(x, _TO_NHWC), _weight_matrix(w), b, spec.kernel,
                        spec.stride, spec.geometry)
    return _result(permute4(y, _TO_NCHW), on_device)


def conv2d_backward(dy, x, w, spec):
    (dy, x, w), on_device = _upload([dy, x, w], spec.dtype)
    dx, dwmat, db = conv_ops.conv2d_backward(permute4(dy, _TO_NHWC), permute4(x, _TO_NHWC),
                                             _weight_matrix(w), spec.kernel, spec.stride,
                                             spec.geometry)
    f, c, kh, kw = w.shape
    dw = permute4(dwmat.reshape(kh, kw, c, f), (3, 2, 0, 1))
    return (_result(permute4(dx, _TO_NCHW), on_device), _result(dw, on_device),
            _result(db, on_device))


def _pool_inputs(arrays, spec):
    arrays, on_device = _upload(arrays, spec.dtype)
    return [permute4(a, _TO_NHWC) for a in arrays], on_device


def max_pool2d(x, spec):
    (x,), on_device = _pool_inputs([x], spec)
    y, _ = pool_ops.max_pool2d(x, spec.pool, spec.stride, spec.out_hw, spec.pad)
    return _result(permute4(y, _TO_NCHW), on_device)


def max_pool2d_backward(dy, x, spec):
    (dy, x), on_device = _pool_inputs([dy, x], spec)
    _, index = pool_ops.max_pool2d(x, spec.pool, spec.stride, spec.out_hw, spec.pad)
    dx = pool_ops.pool2d_backward_from_index(dy, index, tuple(x.shape), spec.pool, spec.stride,
                                             spec.pad)
    return _result(permute4(dx, _TO_NCHW), on_device)


def avg_pool2d(x, spec):
    (x,), on_device = _pool_inputs([x], spec)
    y = pool_ops.avg_pool2d(x, spec.pool, spec.stride, spec.out_hw, spec.pad)
    return _result(permute4(y, _TO_NCHW), on_device)


def avg_pool2d_backward(dy, x, spec):
    (dy, x), on_device = _pool_inputs([dy, x], spec)
    dx = pool_ops.avg_pool2d_backward(dy, spec.pool, spec.stride, tuple(x.shape), spec.pad)
    return _result(permute4(dx, _TO_NCHW), on_device)


def _keys(n, seed):
    return to_device(index_keys(n, np.uint64(seed)))


def stochastic_pool2d(x, spec, seed):
    """``seed`` None: predict-time expectation; else training-time draws."""
    (x,), on_device = _pool_inputs([x], spec)
    if seed is None:
        y = pool_ops.stochastic_pool2d_expectation(x, spec.pool, spec.stride, spec.out_hw,
                                                   spec.pad)
    else:
        y, _ = pool_ops.stochastic_pool2d_sample(x, _keys(x.shape[0], seed), 0, spec.pool,
                                                 spec.stride, spec.out_hw, spec.pad)
    return _result(permute4(y, _TO_NCHW), on_device)


def stochastic_pool2d_backward(dy, x, spec, seed):
    (dy, x), on_device = _pool_inputs([dy, x], spec)
    if seed is None:
        dx = pool_ops.stochastic_pool2d_expectation_backward(dy, x, spec.pool, spec.stride,
                                                             spec.pad)
    else:
        _, index = pool_ops.stochastic_pool2d_sample(x, _keys(x.shape[0], seed), 0, spec.pool,
                                                     spec.stride, spec.out_hw, spec.pad)
        dx = pool_ops.pool2d_backward_from_index(dy, index, tuple(x.shape), spec.pool,
                                                 spec.stride, spec.pad)
    return _result(permute4(dx, _TO_NCHW), on_device)
