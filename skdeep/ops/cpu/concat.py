"""Concatenation along channels on the CPU: the outputs of parallel branches side by side
(an inception module, a dense layer's input and its new maps), the split of a gradient
back into the branches' parts, and DPN's dual path merge (an addition and a
concatenation in one pass).

Each part is copied pixel row by pixel row (runs of its channels) by a kernel that spreads
the pixels over the cores inside a CNN fit; NumPy's concatenate runs on one core.
"""

import numpy as np
from numba import njit

from .flat import add_run, copy_run, flat_rows
from .threads import over_ranges


@njit(cache=True, nogil=True)
def _copy_channels(src, src_width, src_start, dst, dst_width, dst_start, channels, first,
                   stop):
    """``dst[p, dst_start:dst_start + channels] = src[p, src_start:...]`` for pixel rows
    ``first:stop`` of two flat arrays of ``src_width`` and ``dst_width`` channels per
    pixel (flat: see :mod:`skdeep.ops.cpu.conv_gemm` on flattening inside kernels)."""
    for p in range(first, stop):
        copy_run(dst, p * dst_width + dst_start, src, p * src_width + src_start, channels)


@njit(cache=True, nogil=True)
def _add_channels(src, src_width, dst, dst_width, channels, first, stop):
    """``dst[p, :channels] += src[p, :channels]`` for pixel rows ``first:stop``."""
    for p in range(first, stop):
        add_run(dst, p * dst_width, src, p * src_width, channels)


def _copy(src, src_start, dst, dst_start, channels):
    """Copy ``channels`` channels between two channels-last arrays of the same pixels
    (either may be a channel slice of a wider array: see :func:`flat_rows`)."""
    (src_flat, src_width), (dst_flat, dst_width) = flat_rows(src), _writable_rows(dst)
    over_ranges(_copy_channels, src.size // src.shape[-1], src_flat, src_width, src_start,
                dst_flat, dst_width, dst_start, channels)


def _writable_rows(a):
    flat, width = flat_rows(a)
    if not np.may_share_memory(flat, a):
        raise ValueError("expected an array whose rows can be written in place")
    return flat, width


def write_channels(dst, start, part):
    """``dst[..., start:start + C] = part`` (``part`` of C channels) in place."""
    _copy(part.astype(dst.dtype, copy=False), 0, dst, start, part.shape[-1])


def take_channels(a, start, count):
    """A new contiguous array of ``a[..., start:start + count]``."""
    out = np.empty(a.shape[:-1] + (count,), dtype=a.dtype)
    _copy(a, start, out, 0, count)
    return out


def add_into(dst, src):
    """``dst += src`` in place, ``dst`` possibly a channel slice of a wider array (a dense
    block's gradient, whose layers add their input gradients where they lie)."""
    (src_flat, src_width), (dst_flat, dst_width) = flat_rows(src), _writable_rows(dst)
    over_ranges(_add_channels, src.size // src.shape[-1], src_flat, src_width, dst_flat,
                dst_width, src.shape[-1])


def concat_channels(parts):
    """Channels-last maps of the same (N, H, W) joined along the channel axis."""
    first = parts[0]
    dtype = np.result_type(*parts)
    out = np.empty(first.shape[:-1] + (sum(p.shape[-1] for p in parts),), dtype=dtype)
    start = 0
    for part in parts:
        write_channels(out, start, part)
        start += part.shape[-1]
    return out


def split_channels(dy, sizes):
    """The gradient of :func:`concat_channels`: ``dy``'s channels cut into parts of
    ``sizes`` channels (contiguous arrays)."""
    parts, start = [], 0
    for size in sizes:
        parts.append(take_channels(dy, start, size))
        start += size
    return parts


@njit(cache=True, nogil=True)
def _dual_path_rows(x, x_width, f, f_width, residual, y, first, stop):
    """Pixel rows ``first:stop`` of ``y = [x_r + f_r, x_rest, f_rest]`` (``r`` =
    ``residual`` channels)."""
    y_width = x_width + f_width - residual
    for p in range(first, stop):
        xo, fo, yo = np.uint64(p * x_width), np.uint64(p * f_width), np.uint64(p * y_width)
        for c in range(np.uint64(residual)):
            y[yo + c] = x[xo + c] + f[fo + c]
        copy_run(y, yo + residual, x, xo + residual, x_width - residual)
        copy_run(y, yo + x_width, f, fo + residual, f_width - residual)


@njit(cache=True, nogil=True)
def _dual_path_gradient_rows(dy, x_width, f_width, residual, dx, df, first, stop):
    """Pixel rows ``first:stop`` of the gradients of :func:`_dual_path_rows`:
    ``dx = dy[:x_width]``, ``df = [dy[:r], dy[x_width:]]``."""
    y_width = x_width + f_width - residual
    for p in range(first, stop):
        yo, fo = np.uint64(p * y_width), np.uint64(p * f_width)
        copy_run(dx, p * x_width, dy, yo, x_width)
        copy_run(df, fo, dy, yo, residual)
        copy_run(df, fo + residual, dy, yo + x_width, f_width - residual)


def dual_path_merge(x, f, residual):
    """DPN's merge of the block's input ``x`` and its output ``f`` (channels-last maps of
    the same pixels): ``[x[..., :r] + f[..., :r], x[..., r:], f[..., r:]]``, one pass."""
    x, f = np.ascontiguousarray(x), np.ascontiguousarray(f, dtype=x.dtype)
    y = np.empty(x.shape[:-1] + (x.shape[-1] + f.shape[-1] - residual,), dtype=x.dtype)
    over_ranges(_dual_path_rows, x.size // x.shape[-1], x.reshape(-1), x.shape[-1],
                f.reshape(-1), f.shape[-1], residual, y.reshape(-1))
    return y


def dual_path_gradients(dy, x_width, f_width, residual):
    """The gradients ``(dx, df)`` of :func:`dual_path_merge` (contiguous), one pass."""
    dy = np.ascontiguousarray(dy)
    dx = np.empty(dy.shape[:-1] + (x_width,), dtype=dy.dtype)
    df = np.empty(dy.shape[:-1] + (f_width,), dtype=dy.dtype)
    over_ranges(_dual_path_gradient_rows, dy.size // dy.shape[-1], dy.reshape(-1), x_width,
                f_width, residual, dx.reshape(-1), df.reshape(-1))
    return dx, df
