"""Checks of the public NCHW kernels' arguments, done once before any kernel runs.

Every bad input raises a ``ValueError`` (or ``TypeError`` for a dtype) that names the
argument and says what was expected: a kernel never sees an array it would read past.
Works on NumPy arrays and on CUDA device arrays alike (only ``shape`` and ``dtype`` are
read).
"""

from typing import NamedTuple

import numpy as np

from .shapes import ConvGeometry, conv_geometry, non_negative_pair, pair, pool_geometry


class ConvSpec(NamedTuple):
    """A checked convolution: its compute dtype, kernel, stride and geometry."""

    dtype: np.dtype
    kernel: tuple
    stride: tuple
    geometry: ConvGeometry
    out_shape: tuple
    """NCHW shape of the output."""


class PoolSpec(NamedTuple):
    """A checked pooling: its compute dtype, window, stride and output size."""

    dtype: np.dtype
    pool: tuple
    stride: tuple
    out_hw: tuple
    out_shape: tuple
    """NCHW shape of the output."""
    pad: tuple = (0, 0)
    """Padding before the first row and column."""


def compute_dtype(**arrays):
    """float32 when every array given is float32, else float64; complex or non-numeric
    arrays raise a ``TypeError`` naming the argument."""
    dtypes = {}
    for name, a in arrays.items():
        if a is None:
            continue
        dtype = np.dtype(a.dtype)
        if dtype.kind == "c":
            raise TypeError(f"{name} must be real: skdeep.ops does not compute with complex "
                            f"numbers. Received dtype {dtype}.")
        if dtype.kind not in "fiub":
            raise TypeError(f"{name} must hold numbers (float32 or float64). "
                            f"Received dtype {dtype}.")
        dtypes[name] = dtype
    if all(dtype == np.float32 for dtype in dtypes.values()):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def _ndim(a, name, ndim, layout):
    if len(a.shape) != ndim:
        raise ValueError(f"{name} must be {ndim}-D {layout}. Received shape {tuple(a.shape)}.")


def _check_dy(dy, expected, what):
    if dy is None:
        return
    _ndim(dy, "dy", 4, "(N, C, OH, OW)")
    if tuple(dy.shape) != tuple(expected):
        raise ValueError(f"dy must have shape {tuple(expected)} (the output's) for {what}. "
                         f"Received shape {tuple(dy.shape)}.")


def check_conv(x, w, b, stride, padding, dy=None):
    """Check the arguments of ``conv2d`` (and ``conv2d_backward`` when ``dy`` is given)."""
    dtype = compute_dtype(x=x, w=w, b=b, dy=dy)
    _ndim(x, "x", 4, "(N, C, H, W)")
    _ndim(w, "w", 4, "(F, C, KH, KW)")
    n, c, h, width = x.shape
    f, wc, kh, kw = w.shape
    if wc != c:
        raise ValueError(f"w must have x's {c} input channels in its axis 1: shape (F, {c}, KH, "
                         f"KW). Received w of shape {tuple(w.shape)}.")
    if min(f, kh, kw) < 1:
        raise ValueError(f"w must have at least one filter and a kernel of at least 1x1. "
                         f"Received w of shape {tuple(w.shape)}.")
    if b is not None and tuple(b.shape) != (f,):
        raise ValueError(f"b must have shape ({f},): one bias per filter of w. "
                         f"Received b of shape {tuple(b.shape)}.")
    stride = pair(stride, "stride")
    geometry = conv_geometry((h, width), (kh, kw), stride, padding)
    out_shape = (n, f, geometry.out_h, geometry.out_w)
    _check_dy(dy, out_shape, "these x, w, stride and padding")
    return ConvSpec(dtype, (kh, kw), stride, geometry, out_shape)


def check_pool(x, pool_size, stride, padding=0, dy=None):
    """Check the arguments of a pooling (and of its backward pass when ``dy`` is given)."""
    dtype = compute_dtype(x=x, dy=dy)
    _ndim(x, "x", 4, "(N, C, H, W)")
    pool = pair(pool_size, "pool_size")
    stride = pool if stride is None else pair(stride, "stride")
    pad = non_negative_pair(padding, "padding must be a non-negative int or a pair of "
                                     f"them. Received: padding={padding!r}.")
    out_hw = pool_geometry(tuple(x.shape)[2:4], pool, stride, pad)
    out_shape = (x.shape[0], x.shape[1]) + tuple(out_hw)
    _check_dy(dy, out_shape, "this x and pooling")
    return PoolSpec(dtype, pool, stride, tuple(out_hw), out_shape, pad)

