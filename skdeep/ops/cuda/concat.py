"""Concatenation along channels on the GPU: the outputs of parallel branches written into
their channel slices of one map, the split of a gradient back into the parts, and DPN's
dual path merge (an addition and a concatenation in one pass)."""

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


@cuda.jit
def _dual_path(x, f, residual, y):
    """``y = [x_r + f_r, x_rest, f_rest]`` (``r`` = ``residual`` channels)."""
    i = cuda.grid(1)
    if i >= y.size:
        return
    n, h, w, c = nhwc_index(i, y)
    x_width = x.shape[3]
    if c < residual:
        y[n, h, w, c] = x[n, h, w, c] + f[n, h, w, c]
    elif c < x_width:
        y[n, h, w, c] = x[n, h, w, c]
    else:
        y[n, h, w, c] = f[n, h, w, c - x_width + residual]


@cuda.jit
def _dual_path_gradients(dy, residual, dx, df):
    """``dx = dy[..., :x_width]``, ``df = [dy[..., :r], dy[..., x_width:]]``."""
    i = cuda.grid(1)
    if i >= dy.size:
        return
    n, h, w, c = nhwc_index(i, dy)
    x_width = dx.shape[3]
    if c < x_width:
        dx[n, h, w, c] = dy[n, h, w, c]
    if c < residual:
        df[n, h, w, c] = dy[n, h, w, c]
    elif c >= x_width:
        df[n, h, w, c - x_width + residual] = dy[n, h, w, c]


def dual_path_merge(x, f, residual):
    """DPN's merge: ``[x[..., :r] + f[..., :r], x[..., r:], f[..., r:]]``, one pass."""
    y = empty(tuple(x.shape[:3]) + (x.shape[3] + f.shape[3] - residual,), x.dtype)
    launch(_dual_path, y.size)(x, f, residual, y)
    return y


def dual_path_gradients(dy, x_width, f_width, residual):
    """The gradients ``(dx, df)`` of :func:`dual_path_merge`, one pass."""
    dx = empty(tuple(dy.shape[:3]) + (x_width,), dy.dtype)
    df = empty(tuple(dy.shape[:3]) + (f_width,), dy.dtype)
    launch(_dual_path_gradients, dy.size)(dy, residual, dx, df)
    return dx, df
