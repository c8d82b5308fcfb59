"""Element-wise kernels of the training step on the GPU: activations, masks, maxout,
shortcuts, row gathers, augmentation. One thread per element; every array contiguous.
"""

import math

from numba import cuda

from ._cuda_arrays import empty, flat, launch, nhwc_index
from ._cuda_random import mix, uniform

ACTIVATION_KINDS = {"identity": 0, "sigmoid": 1, "logistic": 1, "tanh": 2, "relu": 3,
                    "leaky_relu": 4, "elu": 5}
LEAKY_RELU_SLOPE = 0.01  # as skdeep.nn.activations
ELU_ALPHA = 1.0


@cuda.jit(device=True, inline="always")
def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@cuda.jit
def _activation(kind, z, out):
    i = cuda.grid(1)
    if i >= z.size:
        return
    v = z[i]
    if kind == 1:
        out[i] = sigmoid(v)
    elif kind == 2:
        out[i] = math.tanh(v)
    elif kind == 3:
        out[i] = v if v > 0 else 0.0
    elif kind == 4:
        out[i] = v if v > 0 else v * LEAKY_RELU_SLOPE
    elif kind == 5:
        out[i] = v if v > 0 else ELU_ALPHA * math.expm1(min(v, 0.0))
    else:
        out[i] = v


@cuda.jit
def _activation_backward(kind, dy, z, a, dz):
    i = cuda.grid(1)
    if i >= dy.size:
        return
    g = dy[i]
    if kind == 1:
        dz[i] = g * a[i] * (1.0 - a[i])
    elif kind == 2:
        dz[i] = g * (1.0 - a[i] * a[i])
    elif kind == 3:
        dz[i] = g if z[i] > 0 else 0.0
    elif kind == 4:
        dz[i] = g if z[i] > 0 else g * LEAKY_RELU_SLOPE
    elif kind == 5:
        dz[i] = g if z[i] > 0 else g * (a[i] + ELU_ALPHA)
    else:
        dz[i] = g


def activation(name, z):
    out = empty(z.shape, z.dtype)
    launch(_activation, z.size)(ACTIVATION_KINDS[name], flat(z), flat(out))
    return out


def activation_backward(name, dy, z, a):
    dz = empty(dy.shape, dy.dtype)
    launch(_activation_backward, dy.size)(ACTIVATION_KINDS[name], flat(dy), flat(z), flat(a),
                                          flat(dz))
    return dz


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
    """The inverted-dropout mask of :func:`skdeep.nn.masks.keep_mask`, drawn on the GPU."""
    rows = shape[0]
    out = empty((rows, int(math.prod(shape[1:]))), dtype)
    keep = 1.0 - rate
    launch(_keep_mask, out.size)(keys, stream, keep, 1.0 / keep, out)
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


@cuda.jit
def _add(a, b, out):
    i = cuda.grid(1)
    if i < out.size:
        out[i] = a[i] + b[i]


def add(a, b):
    out = empty(a.shape, a.dtype)
    launch(_add, a.size)(flat(a), flat(b), flat(out))
    return out


@cuda.jit
def _scale(a, factor):
    i = cuda.grid(1)
    if i < a.size:
        a[i] *= factor


def scale(a, factor):
    launch(_scale, a.size)(a, factor)


@cuda.jit
def _take_rows(a, order, width, out):
    i = cuda.grid(1)
    if i < out.size:
        row = i // width
        out[i] = a[order[row] * width + i - row * width]


def take_rows(a, order):
    """``a[order]`` along the first axis (``order`` a device array of row indices)."""
    out = empty((len(order),) + tuple(a.shape)[1:], a.dtype)
    width = a.size // a.shape[0] if a.shape[0] else 1
    launch(_take_rows, out.size)(flat(a), order, width, flat(out))
    return out


@cuda.jit
def _maxout(x, pieces, out, winner):
    i = cuda.grid(1)
    if i >= out.size:
        return
    base = i * pieces
    best = x[base]
    where = 0
    for p in range(1, pieces):
        if x[base + p] > best:
            best = x[base + p]
            where = p
    out[i] = best
    winner[i] = where


def maxout(x, pieces):
    shape = tuple(x.shape)[:-1] + (tuple(x.shape)[-1] // pieces,)
    out, winner = empty(shape, x.dtype), empty(shape, "int32")
    launch(_maxout, out.size)(flat(x), pieces, flat(out), flat(winner))
    return out, winner


@cuda.jit
def _maxout_backward(dy, winner, pieces, dx):
    i = cuda.grid(1)
    if i >= dx.size:
        return
    unit = i // pieces
    dx[i] = dy[unit] if winner[unit] == i - unit * pieces else 0.0


def maxout_backward(dy, winner, pieces, x_shape):
    dx = empty(x_shape, dy.dtype)
    launch(_maxout_backward, dx.size)(flat(dy), flat(winner), pieces, flat(dx))
    return dx


@cuda.jit
def _strided_window(source, h0, w0, sh, sw, out):
    i = cuda.grid(1)
    if i >= out.size:
        return
    n, oh, ow, c = nhwc_index(i, out)
    out[n, oh, ow, c] = source[n, h0 + oh * sh, w0 + ow * sw, c]


def strided_window(source, offset, stride, out_hw):
    out = empty((source.shape[0],) + tuple(out_hw) + (source.shape[3],), source.dtype)
    launch(_strided_window, out.size)(source, *offset, *stride, out)
    return out


@cuda.jit
def _strided_window_backward(dy, h0, w0, sh, sw, d_source):
    i = cuda.grid(1)
    if i >= d_source.size:
        return
    n, h, w, c = nhwc_index(i, d_source)
    th, tw = h - h0, w - w0
    value = 0.0
    if th >= 0 and tw >= 0 and th % sh == 0 and tw % sw == 0:
        oh, ow = th // sh, tw // sw
        if oh < dy.shape[1] and ow < dy.shape[2]:
            value = dy[n, oh, ow, c]
    d_source[n, h, w, c] = value


def strided_window_backward(dy, source_shape, offset, stride):
    d_source = empty(source_shape, dy.dtype)
    launch(_strided_window_backward, d_source.size)(dy, *offset, *stride, d_source)
    return d_source


@cuda.jit
def _shift_flip(x, keys, stream, max_shift_h, max_shift_w, flip, out):
    """The CPU kernel's draws (``_cpu_augment.shift_flip``), one thread per output element."""
    i = cuda.grid(1)
    if i >= out.size:
        return
    width, height = x.shape[2], x.shape[1]
    n, h, w, c = nhwc_index(i, out)
    row = mix(keys[n] ^ stream)
    shift_h = int(uniform(row, 0) * (2 * max_shift_h + 1)) - max_shift_h
    shift_w = int(uniform(row, 1) * (2 * max_shift_w + 1)) - max_shift_w
    mirror = flip and uniform(row, 2) < 0.5
    src_h = h - shift_h
    src_w = w - shift_w
    if mirror:
        src_w = width - 1 - src_w
    if 0 <= src_h < height and 0 <= src_w < width:
        out[n, h, w, c] = x[n, src_h, src_w, c]
    else:
        out[n, h, w, c] = 0.0


def shift_flip(x, keys, stream, max_shift, flip):
    out = empty(x.shape, x.dtype)
    launch(_shift_flip, out.size)(x, keys, stream, max_shift[0], max_shift[1], flip, out)
    return out


@cuda.jit
def _permute4(a, axes, out):
    i = cuda.grid(1)
    if i >= out.size:
        return
    rest = i
    index = cuda.local.array(4, "int64")
    for d in range(3, -1, -1):
        index[d] = rest % out.shape[d]
        rest //= out.shape[d]
    source = cuda.local.array(4, "int64")
    for d in range(4):
        source[axes[d]] = index[d]
    out[index[0], index[1], index[2], index[3]] = a[source[0], source[1], source[2], source[3]]


def permute4(a, axes):
    """``a.transpose(axes)`` of a 4-D device array, as a new contiguous array."""
    shape = tuple(a.shape)
    out = empty(tuple(shape[ax] for ax in axes), a.dtype)
    launch(_permute4, out.size)(a, tuple(int(ax) for ax in axes), out)
    return out
