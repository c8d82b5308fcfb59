"""Concatenation along channels on the GPU: the outputs of parallel branches written into
their channel slices of one map, and the split of a gradient back into the parts."""

from numba import cuda

from .arrays import empty, launch, nhwc_index


@cuda.jit
def _place_channels(part, first, out):
    i = cuda.grid(1)
    if i >= part.size:
        return
    n, h, w, c = nhwc_index(i, part)
    out[n, h, w, first + c] = part[n, h, w, c]


@cuda.jit
def _take_channels(source, first, out):
    i = cuda.grid(1)
    if i >= out.size:
        return
    n, h, w, c = nhwc_index(i, out)
    out[n, h, w, c] = source[n, h, w, first + c]


def concat_channels(parts):
    """Channels-last maps of the same (N, H, W) joined along the channel axis."""
    n, h, w = parts[0].shape[:3]
    out = empty((n, h, w, sum(part.shape[3] for part in parts)), parts[0].dtype)
    first = 0
    for part in parts:
        launch(_place_channels, part.size)(part, first, out)
        first += part.shape[3]
    return out


def split_channels(dy, sizes):
    """The gradient of :func:`concat_channels`: ``dy``'s channels cut into parts."""
    parts, first = [], 0
    for size in sizes:
        part = empty(tuple(dy.shape[:3]) + (size,), dy.dtype)
        launch(_take_channels, part.size)(dy, first, part)
        parts.append(part)
        first += size
    return parts
