"""Loops over flat (1-D) arrays with unsigned offsets, and element-wise kernels over blocks.

Numba wraps negative indices around (``a[-1]``), so every index that LLVM cannot prove
non-negative gets a check per element, and that check keeps the loop from vectorizing:
copies ran at 6 GB/s with signed offsets against 27-38 GB/s with unsigned ones (measured).
"""

import numpy as np
from numba import njit

from .threads import over_ranges

BLOCK = 16384
"""Values per work item of an element-wise kernel."""

PAGE_BYTES = 4096
SLOT_BYTES = 1024


def placed_zeros(shape, dtype, slot):
    """Zeros that start ``slot * SLOT_BYTES`` bytes into a 4 KB page (``slot`` taken modulo
    4): a view of a slightly larger array.

    A loop that streams through several arrays and stores into some of them (an
    optimizer's update of ``theta`` from ``grad`` and its state) stalls when a load lies a
    few hundred bytes past a recent store modulo 4 KB, which the processor takes for the
    same address until it has compared them in full (4K aliasing). Arrays a kilobyte apart
    modulo 4 KB never are. Adam over the 235,146 float32 parameters of an MLP (784, 256,
    128, 10) took 290 us a step inside a fit where the allocator had placed ``grad`` 192
    bytes before the second moment, 238 us with the arrays placed (three interleaved fits
    each; 107 us on fresh copies of the arrays, which are in this core's cache).
    """
    dtype = np.dtype(dtype)
    size = int(np.prod(shape))
    raw = np.zeros(size + PAGE_BYTES // dtype.itemsize, dtype=dtype)
    skip = ((slot % (PAGE_BYTES // SLOT_BYTES)) * SLOT_BYTES - raw.ctypes.data) % PAGE_BYTES
    first = skip // dtype.itemsize
    return raw[first:first + size].reshape(shape)


@njit(inline="always")
def copy_run(dst, d0, src, s0, count):
    """``dst[d0:d0 + count] = src[s0:s0 + count]``."""
    d0, s0 = np.uint64(d0), np.uint64(s0)
    for j in range(np.uint64(count)):
        dst[d0 + j] = src[s0 + j]


@njit(inline="always")
def add_run(dst, d0, src, s0, count):
    """``dst[d0:d0 + count] += src[s0:s0 + count]``."""
    d0, s0 = np.uint64(d0), np.uint64(s0)
    for j in range(np.uint64(count)):
        dst[d0 + j] += src[s0 + j]


@njit(inline="always")
def zero_run(dst, d0, count):
    """``dst[d0:d0 + count] = 0``."""
    d0 = np.uint64(d0)
    for j in range(np.uint64(count)):
        dst[d0 + j] = 0


@njit(inline="always")
def block_values(first, stop, size):
    """The values ``[start, end)`` of blocks ``first:stop``, as unsigned bounds."""
    return np.uint64(first * BLOCK), np.uint64(min(size, stop * BLOCK))


def flat_rows(a):
    """``(flat, stride)``: a 1-D view of ``a`` from its first element, in which row ``r``
    (every axis but the last) starts at ``r * stride``.

    ``a`` may be a channel slice ``buffer[..., :c]`` of a contiguous array (a dense block's
    maps, :class:`skdeep.nn.layers.BranchMerge`): its rows are then read where they are.
    Any other layout is copied first (``stride`` is then the last axis's length)."""
    item, width = a.itemsize, a.shape[-1]
    if a.flags.c_contiguous:
        return a.reshape(-1), width
    if a.ndim < 2:
        return np.ascontiguousarray(a), width
    steps = a.strides[:-1]
    evenly = all(steps[i] == steps[i + 1] * a.shape[i + 1] for i in range(len(steps) - 1))
    if a.strides[-1] != item or not evenly or steps[-1] % item or steps[-1] < width * item:
        return np.ascontiguousarray(a).reshape(-1), width
    stride = steps[-1] // item
    span = (a.size // width - 1) * stride + width if a.size else 0
    return np.lib.stride_tricks.as_strided(a, shape=(span,), strides=(item,)), stride


def elementwise(kernel, *arrays):
    """Run ``kernel(*flat arrays, out, first, stop)`` over blocks of ``BLOCK`` values on
    the cores (:func:`~skdeep.ops.cpu.threads.over_ranges`); return ``out``, shaped as the
    first array."""
    flat = [np.ascontiguousarray(a).reshape(-1) for a in arrays]
    out = np.empty_like(flat[0])
    over_ranges(kernel, -(-out.size // BLOCK), *flat, out, elementwise=True)
    return out.reshape(arrays[0].shape)
