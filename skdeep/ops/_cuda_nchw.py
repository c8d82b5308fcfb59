"""``skdeep.ops`` on the GPU: NCHW arrays in, the same kind of arrays out.

NumPy inputs are copied to the device and the results back; device arrays stay where they
are (layout changes run as kernels). Computation is float32 when every input is float32,
else float64, as on the CPU.
"""

import numpy as np

from . import _cuda_conv, _cuda_pool
from ._cuda_arrays import is_device_array, to_device
from ._cuda_elementwise import permute4
from ._random import index_keys
from ._shapes import conv_geometry, pair, pool_geometry

_TO_NHWC = (0, 2, 3, 1)
_TO_NCHW = (0, 3, 1, 2)


def _dtype(arrays):
    return np.float32 if all(a.dtype == np.float32 for a in arrays) else np.float64


def _upload(arrays):
    """Device copies in the common dtype, and whether to return NumPy arrays."""
    present = [a for a in arrays if a is not None]
    on_device = any(is_device_array(a) for a in present)
    dtype = _dtype([a if is_device_array(a) else np.asarray(a) for a in present])
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


def _images(x, name):
    if len(x.shape) != 4:
        raise ValueError(f"{name} must be 4-D (N, C, H, W). Received shape {tuple(x.shape)}.")
    return permute4(x, _TO_NHWC)


def _result(a, on_device):
    return a if on_device else a.copy_to_host()


def _weights(w, x_nhwc):
    if len(w.shape) != 4:
        raise ValueError(f"w must be 4-D (F, C, KH, KW). Received shape {tuple(w.shape)}.")
    f, c, kh, kw = w.shape
    if c != x_nhwc.shape[3]:
        raise ValueError(f"w has {c} input channels but x has {x_nhwc.shape[3]}.")
    return permute4(w, (2, 3, 1, 0)).reshape(kh * kw * c, f), (kh, kw)


def conv2d(x, w, b, stride, padding):
    (x, w, b), on_device = _upload([x, w, b])
    x_nhwc = _images(x, "x")
    wmat, kernel = _weights(w, x_nhwc)
    if b is None:
        b = to_device(np.zeros(wmat.shape[1], x.dtype))
    stride = pair(stride, "stride")
    geometry = conv_geometry(tuple(x_nhwc.shape)[1:3], kernel, stride, padding)
    y = _cuda_conv.conv2d(x_nhwc, wmat, b, kernel, stride, geometry)
    return _result(permute4(y, _TO_NCHW), on_device)


def conv2d_backward(dy, x, w, stride, padding):
    (dy, x, w), on_device = _upload([dy, x, w])
    x_nhwc = _images(x, "x")
    wmat, kernel = _weights(w, x_nhwc)
    stride = pair(stride, "stride")
    geometry = conv_geometry(tuple(x_nhwc.shape)[1:3], kernel, stride, padding)
    dy_nhwc = _images(dy, "dy")
    expected = (x_nhwc.shape[0],) + geometry[:2] + (wmat.shape[1],)
    if tuple(dy_nhwc.shape) != expected:
        raise ValueError(f"dy must have shape {_nchw(expected)} for these x, w, stride and "
                         f"padding. Received shape {tuple(dy.shape)}.")
    dx, dwmat, db = _cuda_conv.conv2d_backward(dy_nhwc, x_nhwc, wmat, kernel, stride, geometry)
    f, c, kh, kw = w.shape
    dw = permute4(dwmat.reshape(kh, kw, c, f), (3, 2, 0, 1))
    return (_result(permute4(dx, _TO_NCHW), on_device), _result(dw, on_device),
            _result(db, on_device))


def _nchw(shape):
    return (shape[0], shape[3], shape[1], shape[2])


def _pool_setup(x, pool_size, stride):
    x_nhwc = _images(x, "x")
    pool = pair(pool_size, "pool_size")
    stride = pool if stride is None else pair(stride, "stride")
    return x_nhwc, pool, stride, pool_geometry(tuple(x_nhwc.shape)[1:3], pool, stride)


def _check_dy(dy, x_nhwc, out_hw):
    dy_nhwc = _images(dy, "dy")
    expected = (x_nhwc.shape[0],) + tuple(out_hw) + (x_nhwc.shape[3],)
    if tuple(dy_nhwc.shape) != expected:
        raise ValueError(f"dy must have shape {_nchw(expected)} for this x and pooling. "
                         f"Received shape {tuple(dy.shape)}.")
    return dy_nhwc


def max_pool2d(x, pool_size, stride):
    (x,), on_device = _upload([x])
    x_nhwc, pool, stride, out_hw = _pool_setup(x, pool_size, stride)
    y, _ = _cuda_pool.max_pool2d(x_nhwc, pool, stride, out_hw)
    return _result(permute4(y, _TO_NCHW), on_device)


def max_pool2d_backward(dy, x, pool_size, stride):
    (dy, x), on_device = _upload([dy, x])
    x_nhwc, pool, stride, out_hw = _pool_setup(x, pool_size, stride)
    dy_nhwc = _check_dy(dy, x_nhwc, out_hw)
    _, index = _cuda_pool.max_pool2d(x_nhwc, pool, stride, out_hw)
    dx = _cuda_pool.pool2d_backward_from_index(dy_nhwc, index, tuple(x_nhwc.shape), pool, stride)
    return _result(permute4(dx, _TO_NCHW), on_device)


def avg_pool2d(x, pool_size, stride):
    (x,), on_device = _upload([x])
    x_nhwc, pool, stride, out_hw = _pool_setup(x, pool_size, stride)
    return _result(permute4(_cuda_pool.avg_pool2d(x_nhwc, pool, stride, out_hw), _TO_NCHW),
                   on_device)


def avg_pool2d_backward(dy, x, pool_size, stride):
    (dy, x), on_device = _upload([dy, x])
    x_nhwc, pool, stride, out_hw = _pool_setup(x, pool_size, stride)
    dy_nhwc = _check_dy(dy, x_nhwc, out_hw)
    dx = _cuda_pool.avg_pool2d_backward(dy_nhwc, pool, stride, tuple(x_nhwc.shape))
    return _result(permute4(dx, _TO_NCHW), on_device)


def _keys(n, seed):
    return to_device(index_keys(n, np.uint64(seed)))


def stochastic_pool2d(x, pool_size, stride, seed):
    """``seed`` None: predict-time expectation; else training-time draws."""
    (x,), on_device = _upload([x])
    x_nhwc, pool, stride, out_hw = _pool_setup(x, pool_size, stride)
    if seed is None:
        y = _cuda_pool.stochastic_pool2d_expectation(x_nhwc, pool, stride, out_hw)
    else:
        y, _ = _cuda_pool.stochastic_pool2d_sample(x_nhwc, _keys(x_nhwc.shape[0], seed),
                                                   np.uint64(0), pool, stride, out_hw)
    return _result(permute4(y, _TO_NCHW), on_device)


def stochastic_pool2d_backward(dy, x, pool_size, stride, seed):
    (dy, x), on_device = _upload([dy, x])
    x_nhwc, pool, stride, out_hw = _pool_setup(x, pool_size, stride)
    dy_nhwc = _check_dy(dy, x_nhwc, out_hw)
    if seed is None:
        dx = _cuda_pool.stochastic_pool2d_expectation_backward(dy_nhwc, x_nhwc, pool, stride)
    else:
        _, index = _cuda_pool.stochastic_pool2d_sample(
            x_nhwc, _keys(x_nhwc.shape[0], seed), np.uint64(0), pool, stride, out_hw)
        dx = _cuda_pool.pool2d_backward_from_index(dy_nhwc, index, tuple(x_nhwc.shape), pool,
                                                   stride)
    return _result(permute4(dx, _TO_NCHW), on_device)
