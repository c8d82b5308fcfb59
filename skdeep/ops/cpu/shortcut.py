"""Residual shortcuts on the CPU: the sum of two maps, an array times a number, and a
strided window of the block's input (the identity shortcut of a block that changes the
spatial size) with its gradient."""

import numpy as np
from numba import njit

from .flat import block_values, elementwise


@njit(cache=True, nogil=True)
def _add_blocks(a, b, out, first, stop):
    start, end = block_values(first, stop, a.size)
    for i in range(start, end):  # unsigned: vectorizes (see .flat)
        out[i] = a[i] + b[i]


def add(a, b):
    """``a + b``; arrays of the same shape and dtype are added by a kernel that spreads
    over the cores inside a CNN fit (NumPy's runs on one)."""
    if a.shape != b.shape or a.dtype != b.dtype:
        return a + b
    return elementwise(_add_blocks, a, b)


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
