"""Convolution and pooling kernels, NCHW in and NCHW out.

The public functions take and return NumPy arrays in NCHW layout; computation runs in
float32 when every array given is float32, else in float64. Internally the CPU kernels
work channels-last (:mod:`skdeep.ops._cpu`), which is what skdeep's layers call directly.

Shapes: ``x`` (N, C, H, W), ``w`` (F, C, KH, KW), ``b`` (F,). ``padding`` is an int (both
sides), ``"same"`` (``ceil(size / stride)`` outputs) or ``"valid"`` (no padding). Pooling
has no padding; ``stride=None`` means ``pool_size``.

``device`` is ``"cpu"``, ``"cuda"`` or ``"auto"`` (CUDA when a GPU is visible or when an
input is already a CUDA device array, else the CPU). On CUDA the functions take NumPy
arrays or Numba CUDA device arrays and return the same kind: NumPy in, NumPy out (copied
to the GPU and back); device arrays in, device arrays out (no copy to the host).
"""

import numpy as np

from . import _cpu
from ._cuda_support import gpu_visible, is_device_array, require_cuda
from ._random import index_keys
from ._shapes import conv_geometry, pair, pool_geometry

__all__ = [
    "conv2d", "conv2d_backward", "max_pool2d", "max_pool2d_backward", "avg_pool2d",
    "avg_pool2d_backward", "stochastic_pool2d", "stochastic_pool2d_backward",
]


def _on_cuda(device, *arrays):
    """Whether to run on the GPU (and import its kernels); checks ``device``."""
    on_device = any(is_device_array(a) for a in arrays if a is not None)
    if device == "cpu":
        if on_device:
            raise ValueError("device='cpu' was given CUDA device arrays: copy them to the "
                             "host first, or use device='cuda' or 'auto'.")
        return False
    if device == "cuda" or device == "auto" and (on_device or gpu_visible()):
        require_cuda("skdeep.ops")
        return True
    if device == "auto":
        return False
    raise ValueError(f'device must be "auto", "cpu" or "cuda". Received: device={device!r}.')


def _cuda():
    from . import _cuda_nchw

    return _cuda_nchw


def _dtype(*arrays):
    arrays = [a for a in arrays if a is not None]
    if all(np.asarray(a).dtype == np.float32 for a in arrays):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def _images(x, name, dtype):
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"{name} must be 4-D (N, C, H, W). Received shape {x.shape}.")
    return np.ascontiguousarray(x.transpose(0, 2, 3, 1), dtype=dtype)


def _to_nchw(y):
    return np.ascontiguousarray(y.transpose(0, 3, 1, 2))


def _conv_setup(x, w, stride, padding, dtype):
    w = np.asarray(w)
    if w.ndim != 4:
        raise ValueError(f"w must be 4-D (F, C, KH, KW). Received shape {w.shape}.")
    x_nhwc = _images(x, "x", dtype)
    if w.shape[1] != x_nhwc.shape[3]:
        raise ValueError(f"w has {w.shape[1]} input channels but x has {x_nhwc.shape[3]}.")
    kernel = w.shape[2:]
    stride = pair(stride, "stride")
    geometry = conv_geometry(x_nhwc.shape[1:3], kernel, stride, padding)
    wmat = np.ascontiguousarray(w.transpose(2, 3, 1, 0), dtype=dtype).reshape(-1, w.shape[0])
    return x_nhwc, wmat, kernel, stride, geometry


def conv2d(x, w, b=None, *, stride=1, padding=0, device="auto"):
    """2-D convolution (cross-correlation, as in PyTorch's ``conv2d``).

    ``y[n, f, i, j] = b[f] + sum_{c, p, q} x_pad[n, c, i * s + p, j * s + q] * w[f, c, p, q]``.

    Parameters
    ----------
    x : ndarray of shape (N, C, H, W)
    w : ndarray of shape (F, C, KH, KW)
    b : ndarray of shape (F,), default=None
    stride : int or (int, int), default=1
    padding : int, "same" or "valid", default=0
    device : {"auto", "cpu", "cuda"}, default="auto"

    Returns
    -------
    y : ndarray of shape (N, F, OH, OW)
        ``OH = (H + 2 * padding - KH) // stride + 1`` for an int padding.
    """
    if _on_cuda(device, x, w, b):
        return _cuda().conv2d(x, w, b, stride, padding)
    dtype = _dtype(x, w, b)
    x_nhwc, wmat, kernel, stride, geometry = _conv_setup(x, w, stride, padding, dtype)
    bias = np.zeros(wmat.shape[1], dtype) if b is None else np.asarray(b, dtype=dtype)
    return _to_nchw(_cpu.conv2d(x_nhwc, wmat, bias, kernel, stride, geometry))


def conv2d_backward(dy, x, w, *, stride=1, padding=0, device="auto"):
    """Gradients of :func:`conv2d` with respect to ``x``, ``w`` and ``b``.

    Parameters
    ----------
    dy : ndarray of shape (N, F, OH, OW)
        Gradient of the loss with respect to the convolution's output.
    x, w, stride, padding, device
        As given to :func:`conv2d`.

    Returns
    -------
    dx : ndarray of shape (N, C, H, W)
    dw : ndarray of shape (F, C, KH, KW)
    db : ndarray of shape (F,)
    """
    if _on_cuda(device, dy, x, w):
        return _cuda().conv2d_backward(dy, x, w, stride, padding)
    dtype = _dtype(dy, x, w)
    x_nhwc, wmat, kernel, stride, geometry = _conv_setup(x, w, stride, padding, dtype)
    dy_nhwc = _images(dy, "dy", dtype)
    expected = (x_nhwc.shape[0],) + geometry[:2] + (wmat.shape[1],)
    if dy_nhwc.shape != expected:
        raise ValueError(f"dy must have shape {_nchw(expected)} for these x, w, stride and "
                         f"padding. Received shape {_nchw(dy_nhwc.shape)}.")
    dx, dwmat, db = _cpu.conv2d_backward(dy_nhwc, x_nhwc, wmat, kernel, stride, geometry)
    f, c, kh, kw = np.shape(w)
    dw = np.ascontiguousarray(dwmat.reshape(kh, kw, c, f).transpose(3, 2, 0, 1))
    return _to_nchw(dx), dw, db


def _nchw(shape):
    return (shape[0], shape[3], shape[1], shape[2])


def _pool_setup(x, pool_size, stride, dtype):
    x_nhwc = _images(x, "x", dtype)
    pool = pair(pool_size, "pool_size")
    stride = pool if stride is None else pair(stride, "stride")
    return x_nhwc, pool, stride, pool_geometry(x_nhwc.shape[1:3], pool, stride)


def _check_dy(dy, x_nhwc, out_hw, dtype):
    dy_nhwc = _images(dy, "dy", dtype)
    expected = (x_nhwc.shape[0],) + tuple(out_hw) + (x_nhwc.shape[3],)
    if dy_nhwc.shape != expected:
        raise ValueError(f"dy must have shape {_nchw(expected)} for this x and pooling. "
                         f"Received shape {_nchw(dy_nhwc.shape)}.")
    return dy_nhwc


_POOL_DOC = """
    Windows of ``pool_size`` every ``stride`` pixels (``stride=None``: ``pool_size``), no
    padding: ``OH = (H - pool_size) // stride + 1``.
"""


def max_pool2d(x, *, pool_size=2, stride=None, device="auto"):
    """Maximum of each window. x (N, C, H, W) -> (N, C, OH, OW)."""
    if _on_cuda(device, x):
        return _cuda().max_pool2d(x, pool_size, stride)
    x_nhwc, pool, stride, out_hw = _pool_setup(x, pool_size, stride, _dtype(x))
    return _to_nchw(_cpu.max_pool2d(x_nhwc, pool, stride, out_hw)[0])


def max_pool2d_backward(dy, x, *, pool_size=2, stride=None, device="auto"):
    """Gradient of :func:`max_pool2d`: each window's gradient goes to its (first) maximum."""
    if _on_cuda(device, dy, x):
        return _cuda().max_pool2d_backward(dy, x, pool_size, stride)
    dtype = _dtype(dy, x)
    x_nhwc, pool, stride, out_hw = _pool_setup(x, pool_size, stride, dtype)
    dy_nhwc = _check_dy(dy, x_nhwc, out_hw, dtype)
    _, index = _cpu.max_pool2d(x_nhwc, pool, stride, out_hw)
    return _to_nchw(_cpu.pool2d_backward_from_index(dy_nhwc, index, x_nhwc.shape, dtype))


def avg_pool2d(x, *, pool_size=2, stride=None, device="auto"):
    """Mean of each window. x (N, C, H, W) -> (N, C, OH, OW)."""
    if _on_cuda(device, x):
        return _cuda().avg_pool2d(x, pool_size, stride)
    x_nhwc, pool, stride, out_hw = _pool_setup(x, pool_size, stride, _dtype(x))
    return _to_nchw(_cpu.avg_pool2d(x_nhwc, pool, stride, out_hw))


def avg_pool2d_backward(dy, x, *, pool_size=2, stride=None, device="auto"):
    """Gradient of :func:`avg_pool2d`: each window's gradient spread evenly over it."""
    if _on_cuda(device, dy, x):
        return _cuda().avg_pool2d_backward(dy, x, pool_size, stride)
    dtype = _dtype(dy, x)
    x_nhwc, pool, stride, out_hw = _pool_setup(x, pool_size, stride, dtype)
    dy_nhwc = _check_dy(dy, x_nhwc, out_hw, dtype)
    return _to_nchw(_cpu.avg_pool2d_backward(dy_nhwc, pool, stride, x_nhwc.shape))


def _stochastic_seed(training, random_state):
    """The seed of training-mode draws (None at predict time)."""
    if not training:
        return None
    if isinstance(random_state, bool) or not isinstance(random_state, (int, np.integer)):
        raise ValueError(
            "stochastic pooling in training mode needs an int random_state (the backward pass "
            f"draws the same positions from it). Received: random_state={random_state!r}."
        )
    return int(random_state) % 2**64


def _stochastic_keys(n, seed):
    return None if seed is None else index_keys(n, np.uint64(seed))


def stochastic_pool2d(x, *, pool_size=2, stride=None, training=False, random_state=None,
                      device="auto"):
    """Stochastic pooling (Zeiler & Fergus, 2013). x (N, C, H, W) -> (N, C, OH, OW).

    With ``training=True`` each window outputs one of its activations, drawn with
    probability proportional to ``max(x, 0)`` (0 where the window has no positive
    activation), from the int ``random_state``. Otherwise (predict time) each window
    outputs the probability-weighted average ``sum a^2 / sum a`` with ``a = max(x, 0)``.
    """
    seed = _stochastic_seed(training, random_state)
    if _on_cuda(device, x):
        return _cuda().stochastic_pool2d(x, pool_size, stride, seed)
    x_nhwc, pool, stride, out_hw = _pool_setup(x, pool_size, stride, _dtype(x))
    keys = _stochastic_keys(x_nhwc.shape[0], seed)
    if keys is None:
        return _to_nchw(_cpu.stochastic_pool2d_expectation(x_nhwc, pool, stride, out_hw))
    return _to_nchw(_cpu.stochastic_pool2d_sample(x_nhwc, keys, 0, pool, stride, out_hw)[0])


def stochastic_pool2d_backward(dy, x, *, pool_size=2, stride=None, training=False,
                               random_state=None, device="auto"):
    """Gradient of :func:`stochastic_pool2d` (same arguments): in training mode, to the
    drawn positions; otherwise the derivative of the weighted average."""
    seed = _stochastic_seed(training, random_state)
    if _on_cuda(device, dy, x):
        return _cuda().stochastic_pool2d_backward(dy, x, pool_size, stride, seed)
    dtype = _dtype(dy, x)
    x_nhwc, pool, stride, out_hw = _pool_setup(x, pool_size, stride, dtype)
    dy_nhwc = _check_dy(dy, x_nhwc, out_hw, dtype)
    keys = _stochastic_keys(x_nhwc.shape[0], seed)
    if keys is None:
        return _to_nchw(_cpu.stochastic_pool2d_expectation_backward(dy_nhwc, x_nhwc, pool, stride))
    _, index = _cpu.stochastic_pool2d_sample(x_nhwc, keys, 0, pool, stride, out_hw)
    return _to_nchw(_cpu.pool2d_backward_from_index(dy_nhwc, index, x_nhwc.shape, dtype))


for _pooling in (max_pool2d, avg_pool2d, stochastic_pool2d):
    _pooling.__doc__ += _POOL_DOC
