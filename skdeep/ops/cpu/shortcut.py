"""Residual shortcuts on the CPU: the sum of two maps, an array times a number, and a
strided window of the block's input (the identity shortcut of a block that changes the
spatial size) with its gradient."""

import numpy as np
from numba import njit

from .threads import over_ranges

_BLOCK = 16384
"""Values per work item of :func:`add`."""


@njit(cache=True, nogil=True)
def _add_blocks(a, b, out, first, stop):
    # Unsigned indices: no wrap-around check per value, so LLVM vectorizes the loop.
    for i in range(np.uint64(first * _BLOCK), np.uint64(min(a.size, stop * _BLOCK))):
        out[i] = a[i] + b[i]


def add(a, b):
    """``a + b``; arrays of the same shape and dtype are added by a kernel that spreads
    over the cores inside a CNN fit (NumPy's runs on one)."""
    if a.shape != b.shape or a.dtype != b.dtype:
        return a + b
    out = np.empty_like(a, order="C")
    flat_a, flat_b = np.ascontiguousarray(a).reshape(-1), np.ascontiguousarray(b).reshape(-1)
    over_ranges(_add_blocks, -(-a.size // _BLOCK), flat_a, flat_b, out.reshape(-1))
    return out


def scale(a, factor):
    return a * a.dtype.type(factor)


def strided_window(source, offset, stride, out_hw):
    """``source[:, h0::sh, w0::sw]`` cut to ``out_hw`` pixels."""
    return source[_window(offset, stride, out_hw)]


def strided_window_backward(dy, source_shape, offset, stride):
    """The gradient of :func:`strided_window`: ``dy`` in the window, zeros elsewhere."""
    d_source = np.zeros(source_shape, dtype=dy.dtype)
    d_source[_window(offset, stride, dy.shape[1:3])] = dy
    return d_source


def _window(offset, stride, out_hw):
    (h0, w0), (sh, sw), (oh, ow) = offset, stride, out_hw
    return (slice(None), slice(h0, h0 + (oh - 1) * sh + 1, sh),
            slice(w0, w0 + (ow - 1) * sw + 1, sw))
