"""Concatenation along channels on the GPU: the outputs of parallel branches written into
their channel slices of one map, and the split of a gradient back into the parts."""

from numba import cuda

from .arrays import empty, launch, nhwc_index


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


@cuda.jit
def _add_into(dst, src):
    """``dst += src`` (4-D; ``dst`` may be a channel slice of a wider array)."""
    i = cuda.grid(1)
    if i >= src.size:
        return
    n, h, w, c = nhwc_index(i, src)
    dst[n, h, w, c] += src[n, h, w, c]


def write_channels(dst, start, part):
    """``dst[..., start:start + C] = part`` in place (``part`` has C channels)."""
    _copy(part, 0, dst, start, part.shape[3])


def take_channels(a, start, count):
    """A new contiguous array of ``a[..., start:start + count]`` (``a`` may be a slice)."""
    out = empty(tuple(a.shape[:3]) + (count,), a.dtype)
    _copy(a, start, out, 0, count)
    return out


def add_into(dst, src):
    """``dst += src`` in place; ``dst`` may be a channel slice of a wider array."""
    launch(_add_into, src.size)(dst, src)


def concat_channels(parts):
    """Channels-last maps of the same (N, H, W) joined along the channel axis."""
    n, h, w = parts[0].shape[:3]
    out = empty((n, h, w, sum(part.shape[3] for part in parts)), parts[0].dtype)
    first = 0
    for part in parts:
        write_channels(out, first, part)
        first += part.shape[3]
    return out


def split_channels(dy, sizes):
    """The gradient of :func:`concat_channels`: ``dy``'s channels cut into parts."""
    parts, first = [], 0
    for size in sizes:
        parts.append(take_channels(dy, first, size))
        first += size
    return parts
