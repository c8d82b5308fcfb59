"""Concatenation along channels on the CPU: the outputs of parallel branches side by side
(an inception module, a dense layer's input and its new maps), and the split of a
gradient back into the branches' parts.

Each part is copied pixel row by pixel row (runs of its channels) by a kernel that spreads
the pixels over the cores inside a CNN fit; NumPy's concatenate runs on one core.
"""

import numpy as np
from numba import njit

from .flat import copy_run
from .threads import over_ranges


@njit(cache=True, nogil=True)
def _copy_channels(src, src_width, src_start, dst, dst_width, dst_start, channels, first,
                   stop):
    """``dst[p, dst_start:dst_start + channels] = src[p, src_start:...]`` for pixel rows
    ``first:stop`` of two flat arrays of ``src_width`` and ``dst_width`` channels per
    pixel (flat: see :mod:`skdeep.ops.cpu.conv_gemm` on flattening inside kernels)."""
    for p in range(first, stop):
        copy_run(dst, p * dst_width + dst_start, src, p * src_width + src_start, channels)


def _copy(src, src_start, dst, dst_start, channels):
    """Copy ``channels`` channels between two channels-last arrays of the same pixels."""
    over_ranges(_copy_channels, src.size // src.shape[-1],
                np.ascontiguousarray(src).reshape(-1), src.shape[-1], src_start,
                dst.reshape(-1), dst.shape[-1], dst_start, channels)


def concat_channels(parts):
    """Channels-last maps of the same (N, H, W) joined along the channel axis."""
    first = parts[0]
    dtype = np.result_type(*parts)
    out = np.empty(first.shape[:-1] + (sum(p.shape[-1] for p in parts),), dtype=dtype)
    start = 0
    for part in parts:
        _copy(part.astype(dtype, copy=False), 0, out, start, part.shape[-1])
        start += part.shape[-1]
    return out


def split_channels(dy, sizes):
    """The gradient of :func:`concat_channels`: ``dy``'s channels cut into parts of
    ``sizes`` channels (contiguous arrays)."""
    parts, start = [], 0
    for size in sizes:
        part = np.empty(dy.shape[:-1] + (size,), dtype=dy.dtype)
        _copy(dy, start, part, 0, size)
        parts.append(part)
        start += size
    return parts
