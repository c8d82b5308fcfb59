"""Convolution and pooling kernels, NCHW in and NCHW out.

The public functions take and return NumPy arrays in NCHW layout; computation runs in
float32 when every array given is float32, else in float64. Internally the kernels work
channels-last (:mod:`skdeep.ops.cpu` with Numba, :mod:`skdeep.ops.cuda` with numba-cuda,
the same file name for the same concept), which is what skdeep's backends call directly.

Arguments are checked once, before any kernel runs (:mod:`skdeep.ops._validate`): a wrong
rank, channel count, bias length, stride, padding or ``dy`` shape, a window larger than
the (padded) input, or a complex or non-numeric dtype raises a ``ValueError`` or
``TypeError`` that names the argument.

Shapes: ``x`` (N, C, H, W), ``w`` (F, C, KH, KW), ``b`` (F,). ``padding`` is an int (both
sides), ``"same"`` (``ceil(size / stride)`` outputs) or ``"valid"`` (no padding). Pooling
``padding`` is an int or a pair (at most half the window); ``stride=None`` means
``pool_size``.

``device`` is ``"cpu"``, ``"cuda"`` or ``"auto"`` (CUDA when a GPU is visible or when an
input is already a CUDA device array, else the CPU). On CUDA the functions take NumPy
arrays or Numba CUDA device arrays and return the same kind: NumPy in, NumPy out (copied
to the GPU and back); device arrays in, device arrays out (no copy to the host).
"""

import numpy as np

from ._validate import check_conv, check_pool
from .cuda.support import gpu_visible, is_device_array, require_cuda

__all__ = [
    "conv2d", "conv2d_backward", "max_pool2d", "max_pool2d_backward", "avg_pool2d",
    "avg_pool2d_backward", "stochastic_pool2d", "stochastic_pool2d_backward",
]


def _kernels(device, *arrays):
    """The module that runs the kernels (:mod:`.cpu.nchw` or :mod:`.cuda.nchw`); checks
    ``device`` (and imports the CUDA kernels only when they are used)."""
    on_device = any(is_device_array(a) for a in arrays if a is not None)
    if device == "cpu":
        if on_device:
            raise ValueError("device='cpu' was given CUDA device arrays: copy them to the "
                             "host first, or use device='cuda' or 'auto'.")
    elif device == "cuda" or device == "auto" and (on_device or gpu_visible()):
        require_cuda("skdeep.ops")
        from .cuda import nchw

        return nchw
    elif device != "auto":
        raise ValueError(f'device must be "auto", "cpu" or "cuda". Received: device={device!r}.')
    from .cpu import nchw

    return nchw


def _arrays(*arrays):
    """NumPy arrays (device arrays and None as they are)."""
    return [a if a is None or is_device_array(a) else np.asarray(a) for a in arrays]


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
    x, w, b = _arrays(x, w, b)
    spec = check_conv(x, w, b, stride, padding)
    return _kernels(device, x, w, b).conv2d(x, w, b, spec)


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
    dy, x, w = _arrays(dy, x, w)
    spec = check_conv(x, w, None, stride, padding, dy=dy)
    return _kernels(device, dy, x, w).conv2d_backward(dy, x, w, spec)


_POOL_DOC = """
    Windows of ``pool_size`` every ``stride`` pixels (``stride=None``: ``pool_size``),
    starting ``padding`` pixels before the map (at most half the window): ``OH = (H + 2 *
    padding - pool_size) // stride + 1``. Padded positions take no part in a window (an
    average divides by the pixels inside the map).
"""


def max_pool2d(x, *, pool_size=2, stride=None, padding=0, device="auto"):
    """Maximum of each window. x (N, C, H, W) -> (N, C, OH, OW)."""
    (x,) = _arrays(x)
    return _kernels(device, x).max_pool2d(x, check_pool(x, pool_size, stride, padding))


def max_pool2d_backward(dy, x, *, pool_size=2, stride=None, padding=0, device="auto"):
    """Gradient of :func:`max_pool2d`: each window's gradient goes to its (first) maximum."""
    dy, x = _arrays(dy, x)
    spec = check_pool(x, pool_size, stride, padding, dy=dy)
    return _kernels(device, dy, x).max_pool2d_backward(dy, x, spec)


def avg_pool2d(x, *, pool_size=2, stride=None, padding=0, device="auto"):
    """Mean of each window. x (N, C, H, W) -> (N, C, OH, OW)."""
    (x,) = _arrays(x)
    return _kernels(device, x).avg_pool2d(x, check_pool(x, pool_size, stride, padding))


def avg_pool2d_backward(dy, x, *, pool_size=2, stride=None, padding=0, device="auto"):
    """Gradient of :func:`avg_pool2d`: each window's gradient spread evenly over it."""
    dy, x = _arrays(dy, x)
    spec = check_pool(x, pool_size, stride, padding, dy=dy)
    return _kernels(device, dy, x).avg_pool2d_backward(dy, x, spec)


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


def stochastic_pool2d(x, *, pool_size=2, stride=None, padding=0, training=False,
                      random_state=None, device="auto"):
    """Stochastic pooling (Zeiler & Fergus, 2013). x (N, C, H, W) -> (N, C, OH, OW).

    With ``training=True`` each window outputs one of its activations, drawn with
    probability proportional to ``max(x, 0)`` (0 where the window has no positive
    activation), from the int ``random_state``. Otherwise (predict time) each window
    outputs the probability-weighted average ``sum a^2 / sum a`` with ``a = max(x, 0)``.
    """
    seed = _stochastic_seed(training, random_state)
    (x,) = _arrays(x)
    spec = check_pool(x, pool_size, stride, padding)
    return _kernels(device, x).stochastic_pool2d(x, spec, seed)


def stochastic_pool2d_backward(dy, x, *, pool_size=2, stride=None, padding=0, training=False,
                               random_state=None, device="auto"):
    """Gradient of :func:`stochastic_pool2d` (same arguments): in training mode, to the
    drawn positions; otherwise the derivative of the weighted average."""
    seed = _stochastic_seed(training, random_state)
    dy, x = _arrays(dy, x)
    spec = check_pool(x, pool_size, stride, padding, dy=dy)
    return _kernels(device, dy, x).stochastic_pool2d_backward(dy, x, spec, seed)


for _pooling in (max_pool2d, avg_pool2d, stochastic_pool2d):
    _pooling.__doc__ += _POOL_DOC
