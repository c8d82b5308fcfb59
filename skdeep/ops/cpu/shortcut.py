"""Residual shortcuts on the CPU: the sum of two maps, an array times a number, and a
strided window of the block's input (the identity shortcut of a block that changes the
spatial size) with its gradient."""

import numpy as np


def add(a, b):
    return a + b


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
