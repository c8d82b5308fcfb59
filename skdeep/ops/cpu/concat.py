"""Concatenation along channels on the CPU: the outputs of parallel branches side by side
(an inception module, a dense layer's input and its new maps), and the split of a
gradient back into the branches' parts.

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
