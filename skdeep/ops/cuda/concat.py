"""Concatenation along channels on the GPU: the outputs of parallel branches written into
their channel slices of one map, and the split of a gradient back into the parts."""

from numba import cuda

from .arrays import empty, launch


@cuda.jit
def _copy_channels(source, source_first, out, out_first, channels):
    """``out[..., out_first + c] = source[..., source_first + c]`` for ``c < channels``."""
    i = cuda.grid(1)
    height, width = out.shape[1], out.shape[2]
    if i >= out.shape[0] * height * width * channels:
        return
    c = i % channels
    rest = i // channels
    w = rest % width
    rest //= width
    h = rest % height
    n = rest // height
    out[n, h, w, out_first + c] = source[n, h, w, source_first + c]


def _copy(source, source_first, out, out_first, channels):
    n, h, w = out.shape[:3]
    launch(_copy_channels, n * h * w * channels)(source, source_first, out, out_first,
                                                 channels)


def concat_channels(parts):
    """Channels-last maps of the same (N, H, W) joined along the channel axis."""
    n, h, w = parts[0].shape[:3]
    out = empty((n, h, w, sum(part.shape[3] for part in parts)), parts[0].dtype)
    first = 0
    for part in parts:
        _copy(part, 0, out, first, part.shape[3])
        first += part.shape[3]
    return out


def split_channels(dy, sizes):
    """The gradient of :func:`concat_channels`: ``dy``'s channels cut into parts."""
    parts, first = [], 0
    for size in sizes:
        part = empty(tuple(dy.shape[:3]) + (size,), dy.dtype)
        _copy(dy, first, part, 0, size)
        parts.append(part)
        first += size
    return parts
