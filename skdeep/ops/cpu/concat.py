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
def _copy_channels(src, src_start, dst, dst_start, channels, first, stop):
    """``dst[p, dst_start:dst_start + channels] = src[p, src_start:...]`` for pixel rows
    ``first:stop`` of two (pixels, *) arrays."""
    src_width, dst_width = src.shape[1], dst.shape[1]
    src_flat, dst_flat = src.ravel(), dst.ravel()
    for p in range(first, stop):
        copy_run(dst_flat, p * dst_width + dst_start, src_flat, p * src_width + src_start,
                  channels)


def _rows(maps):
    return np.ascontiguousarray(maps).reshape(-1, maps.shape[-1])


def concat_channels(parts):
    """Channels-last maps of the same (N, H, W) joined along the channel axis."""
    first = parts[0]
    dtype = np.result_type(*parts)
    out = np.empty(first.shape[:-1] + (sum(p.shape[-1] for p in parts),), dtype=dtype)
    rows, start = out.reshape(-1, out.shape[-1]), 0
    for part in parts:
        channels = part.shape[-1]
        over_ranges(_copy_channels, len(rows), _rows(part.astype(dtype, copy=False)), 0, rows,
                    start, channels)
        start += channels
    return out


def split_channels(dy, sizes):
    """The gradient of :func:`concat_channels`: ``dy``'s channels cut into parts of
    ``sizes`` channels (contiguous arrays)."""
    rows, parts, start = _rows(dy), [], 0
    for size in sizes:
        part = np.empty(dy.shape[:-1] + (size,), dtype=dy.dtype)
        over_ranges(_copy_channels, len(rows), rows, start, part.reshape(-1, size), 0, size)
        parts.append(part)
        start += size
    return parts
