"""Dropout and DropConnect masks on the GPU: the draws of :mod:`skdeep.ops.cpu.masks`
(the same hash, so the same masks), and masked products.
"""

import math

import numpy as np
from numba import cuda

from .arrays import empty, flat, launch, zeros
from .random import mix, uniform


@cuda.jit
def _keep_mask(keys, stream, keep, scale, out):
    i = cuda.grid(1)
    n, width = out.shape
    if i >= n * width:
        return
    row = i // width
    u = i - row * width
    key = mix(keys[row] ^ stream)
    out[row, u] = scale if uniform(key, u) < keep else 0.0


def keep_mask(keys, stream, rate, shape, dtype):
    """The inverted-dropout mask of :func:`skdeep.ops.cpu.masks.keep_mask`, drawn on the GPU;
    ``keys=None`` is one row keyed 0."""
    if keys is None:
        keys = zeros(1, np.uint64)
    rows = shape[0]
    out = empty((rows, int(math.prod(shape[1:]))), dtype)
    keep = 1.0 - rate
    launch(_keep_mask, out.size)(keys, np.uint64(stream), keep, 1.0 / keep, out)
    return out.reshape(shape)


@cuda.jit
def _multiply(a, mask, group, channels, out):
    """``out = a * mask``, ``mask`` broadcast over ``group`` positions of ``channels``
    entries each: element ``i`` takes ``mask[(i // (group * channels)) * channels + i %
    channels]`` (``group == 1``: same shapes)."""
    i = cuda.grid(1)
    if i >= a.size:
        return
    j = (i // (group * channels)) * channels + i % channels
    out[i] = a[i] * mask[j]


def multiply(a, mask, out=None):
    """``a * mask`` with ``mask`` of ``a``'s shape or (n, 1, ..., 1, C) (broadcast)."""
    out = empty(a.shape, a.dtype) if out is None else out
    channels = tuple(a.shape)[-1]
    group = a.size // mask.size
    launch(_multiply, a.size)(flat(a), flat(mask), group, channels, flat(out))
    return out


def multiply_into(a, mask):
    """``a *= mask`` (shapes as in :func:`multiply`)."""
    multiply(a, mask, out=a)
