"""2-D pooling on the CPU: Numba kernels over channels-last (NHWC) arrays.

Windows of ``pool_h x pool_w`` start every ``stride`` pixels, ``pad`` pixels before the
map's first row and column: ``out = (size + 2 * pad - pool) // stride + 1`` per spatial
axis. Padded positions take no part: a max ignores them, an average divides by the
window's pixels inside the map (``count_include_pad=False``), stochastic pooling draws
only among them. Max and stochastic pooling record, for each output, the flat input
position ``ih * W + iw`` they took (``index``), which is all their backward pass needs.
Each kernel works on a range of images; ranges run on the cores
(:func:`skdeep.ops.cpu.threads.over_ranges`) and each image writes only its own slice, so
results do not depend on the number of threads. Backward kernels add into a zeroed ``dx``
(the index-routing one zeroes its own images first, on its own core).
"""

import numpy as np
from numba import njit

from .random import mix, uniform
from .threads import kernel_threads, over_ranges


@njit(cache=True, inline="always")
def window(o, stride, pad, pool, size):
    """The input rows (or columns) ``[first, stop)`` of output ``o``'s window inside the map."""
    start = o * stride - pad
    return max(start, 0), min(start + pool, size)


# The max pooling kernels take flat arrays (and the shapes) and index them with unsigned
# offsets: Numba checks every signed index for wrap-around, which keeps LLVM from
# vectorizing the channel loops; and flattening inside a kernel (``ravel``) compiles a
# helper per array type, tenths of a second of a first fit each.
@njit(inline="always")
def _max_over_window(src, n, h0, h1, w0, w1, height, width, n_channels, dst, o, taken):
    """Output ``o``'s maxima over the input window ``[h0, h1) x [w0, w1)`` of image ``n``,
    kept in ``dst`` and ``taken`` (the first of equal maxima, in row order; a NaN first
    candidate stays)."""
    for ih in range(h0, h1):
        for iw in range(w0, w1):
            flat = ih * width + iw
            i = np.uint64(n * height * width + flat) * n_channels
            if ih == h0 and iw == w0:
                for c in range(n_channels):
                    dst[o + c] = src[i + c]
                    taken[o + c] = flat
                continue
            for c in range(n_channels):
                # Selects rather than a branch, so that the loop vectorizes.
                v = src[i + c]
                better = v > dst[o + c]
                dst[o + c] = v if better else dst[o + c]
                taken[o + c] = flat if better else taken[o + c]


@njit(cache=True, nogil=True)
def max_pool_forward(src, x_shape, pool_h, pool_w, stride_h, stride_w, pad_h, pad_w, dst,
                     out_shape, taken, first, stop):
    height, width = x_shape[1], x_shape[2]
    out_h, out_w, channels = out_shape[1], out_shape[2], out_shape[3]
    n_channels = np.uint64(channels)
    for n in range(first, stop):
        for oh in range(out_h):
            h0, h1 = window(oh, stride_h, pad_h, pool_h, height)
            for ow in range(out_w):
                w0, w1 = window(ow, stride_w, pad_w, pool_w, width)
                o = np.uint64(((n * out_h + oh) * out_w + ow) * channels)
                _max_over_window(src, n, h0, h1, w0, w1, height, width, n_channels, dst, o,
                                 taken)


@njit(cache=True, nogil=True)
def max_pool_2x2_forward(src, x_shape, dst, out_shape, taken, first, stop):
    """:func:`max_pool_forward` for 2x2 windows at stride 2 without padding, the pooling of
    most networks: the same values and positions (the first of equal maxima, in row
    order), with the four candidates of each channel compared in registers. The general
    kernel keeps its running maximum in ``dst`` and ``taken``, whose stores keep LLVM from
    vectorizing the channel loop: 3-9x slower on 6-32 channels (measured)."""
    height, width = x_shape[1], x_shape[2]
    out_h, out_w, channels = out_shape[1], out_shape[2], out_shape[3]
    n_channels = np.uint64(channels)
    below = np.uint64(width * channels)  # from a pixel to the one below it
    for n in range(first, stop):
        for oh in range(out_h):
            for ow in range(out_w):
                o = np.uint64(((n * out_h + oh) * out_w + ow) * channels)
                flat = (2 * oh) * width + 2 * ow
                i = np.uint64((n * height * width + flat) * channels)
                right, down = np.int32(flat + 1), np.int32(flat + width)
                for c in range(n_channels):
                    best, at = src[i + c], np.int32(flat)
                    v = src[i + n_channels + c]
                    at = right if v > best else at
                    best = v if v > best else best
                    v = src[i + below + c]
                    at = down if v > best else at
                    best = v if v > best else best
                    v = src[i + below + n_channels + c]
                    at = down + 1 if v > best else at
                    best = v if v > best else best
                    dst[o + c] = best
                    taken[o + c] = at


@njit(cache=True, nogil=True)
def max_pool_3x3_forward(src, x_shape, stride, pad, dst, out_shape, taken, first, stop):
    """:func:`max_pool_forward` for 3x3 windows (any stride and padding: AlexNet's and
    GoogLeNet's overlapping pooling, GoogLeNet's pool branch): windows wholly inside the
    map compare each channel's nine candidates in registers, in row order (the loops over
    the window have constant bounds, so LLVM unrolls them and vectorizes the channel
    loop); windows cut by the border take the general path. The same values and
    positions as the general kernel, 2-4x faster on 16-128 channels (measured)."""
    height, width = x_shape[1], x_shape[2]
    out_h, out_w, channels = out_shape[1], out_shape[2], out_shape[3]
    n_channels = np.uint64(channels)
    below = np.uint64(width * channels)  # from a pixel to the one below it
    for n in range(first, stop):
        for oh in range(out_h):
            h0, h1 = window(oh, stride, pad, 3, height)
            for ow in range(out_w):
                w0, w1 = window(ow, stride, pad, 3, width)
                o = np.uint64(((n * out_h + oh) * out_w + ow) * channels)
                if h1 - h0 < 3 or w1 - w0 < 3:
                    _max_over_window(src, n, h0, h1, w0, w1, height, width, n_channels, dst,
                                     o, taken)
                    continue
                flat = h0 * width + w0
                i = np.uint64(n * height * width + flat) * n_channels
                for c in range(n_channels):
                    best, at = src[i + c], np.int32(flat)
                    for r in range(3):
                        for q in range(3):
                            v = src[i + np.uint64(r) * below + np.uint64(q) * n_channels + c]
                            better = v > best
                            at = np.int32(flat + r * width + q) if better else at
                            best = v if better else best
                    dst[o + c] = best
                    taken[o + c] = at


@njit(cache=True, nogil=True)
def pool_backward_from_index(grad, taken, out_shape, d_input, x_shape, first, stop):
    """Zero images ``first:stop`` of ``d_input`` and route each output's gradient to the
    input position recorded in ``taken`` (none where it is negative); all flat."""
    pixels = x_shape[1] * x_shape[2]
    out_pixels, channels = out_shape[1] * out_shape[2], out_shape[3]
    image = np.uint64(pixels * channels)
    for n in range(first, stop):
        start = np.uint64(n) * image
        for j in range(image):
            d_input[start + j] = 0.0
        for p in range(out_pixels):
            o = (n * out_pixels + p) * channels
            for c in range(channels):
                flat = taken[o + c]
                if flat >= 0:
                    d_input[np.uint64((n * pixels + flat) * channels + c)] += grad[o + c]


@njit(cache=True, nogil=True)
def avg_pool_forward(x, pool_h, pool_w, stride_h, stride_w, pad_h, pad_w, out, first, stop):
    height, width = x.shape[1], x.shape[2]
    out_h, out_w, channels = out.shape[1], out.shape[2], out.shape[3]
    for n in range(first, stop):
        for oh in range(out_h):
            h0, h1 = window(oh, stride_h, pad_h, pool_h, height)
            for ow in range(out_w):
                w0, w1 = window(ow, stride_w, pad_w, pool_w, width)
                scale = 1.0 / ((h1 - h0) * (w1 - w0))
                for c in range(channels):
                    out[n, oh, ow, c] = 0.0
                for ih in range(h0, h1):
                    for iw in range(w0, w1):
                        for c in range(channels):
                            out[n, oh, ow, c] += x[n, ih, iw, c]
                for c in range(channels):
                    out[n, oh, ow, c] *= scale


@njit(cache=True, nogil=True)
def avg_pool_backward(dy, pool_h, pool_w, stride_h, stride_w, pad_h, pad_w, dx, first, stop):
    height, width = dx.shape[1], dx.shape[2]
    out_h, out_w, channels = dy.shape[1], dy.shape[2], dy.shape[3]
    for n in range(first, stop):
        for oh in range(out_h):
            h0, h1 = window(oh, stride_h, pad_h, pool_h, height)
            for ow in range(out_w):
                w0, w1 = window(ow, stride_w, pad_w, pool_w, width)
                scale = 1.0 / ((h1 - h0) * (w1 - w0))
                for ih in range(h0, h1):
                    for iw in range(w0, w1):
                        for c in range(channels):
                            dx[n, ih, iw, c] += dy[n, oh, ow, c] * scale


@njit(cache=True)
def _positive_sums(x, n, h0, h1, w0, w1, c):
    """Sum and sum of squares of ``max(x, 0)`` over the window ``[h0, h1) x [w0, w1)``."""
    total = 0.0
    squares = 0.0
    for ih in range(h0, h1):
        for iw in range(w0, w1):
            v = max(x[n, ih, iw, c], 0.0)
            total += v
            squares += v * v
    return total, squares


@njit(cache=True, nogil=True)
def stochastic_pool_sample(x, keys, stream, pool_h, pool_w, stride_h, stride_w, pad_h, pad_w,
                           out, index, first, stop):
    """Training: each output takes one input of its window, drawn with probability
    proportional to the window's non-negative activations (``max(x, 0)``); a window with
    no positive activation outputs 0 and records ``index = -1``.

    The draw for output ``(oh, ow, c)`` of image ``n`` is a hash of ``keys[n]``,
    ``stream`` and the output's position.
    """
    height, width = x.shape[1], x.shape[2]
    out_h, out_w, channels = out.shape[1], out.shape[2], out.shape[3]
    for n in range(first, stop):
        row = mix(keys[n] ^ stream)
        for oh in range(out_h):
            h0, h1 = window(oh, stride_h, pad_h, pool_h, height)
            for ow in range(out_w):
                w0, w1 = window(ow, stride_w, pad_w, pool_w, width)
                for c in range(channels):
                    total, _ = _positive_sums(x, n, h0, h1, w0, w1, c)
                    out[n, oh, ow, c] = 0.0
                    index[n, oh, ow, c] = -1
                    if total <= 0.0:
                        continue
                    target = uniform(row, (oh * out_w + ow) * channels + c) * total
                    running = 0.0
                    for ih in range(h0, h1):
                        for iw in range(w0, w1):
                            v = max(x[n, ih, iw, c], 0.0)
                            if v > 0.0 and index[n, oh, ow, c] < 0:
                                running += v
                                if running > target:
                                    out[n, oh, ow, c] = v
                                    index[n, oh, ow, c] = ih * width + iw
                    if index[n, oh, ow, c] < 0:  # rounding left target at the total
                        for ih in range(h0, h1):
                            for iw in range(w0, w1):
                                v = x[n, ih, iw, c]
                                if v > 0.0:
                                    out[n, oh, ow, c] = v
                                    index[n, oh, ow, c] = ih * width + iw


@njit(cache=True, nogil=True)
def stochastic_pool_expectation(x, pool_h, pool_w, stride_h, stride_w, pad_h, pad_w, out,
                                first, stop):
    """Predict: the probability-weighted average ``sum a_i^2 / sum a_i``, ``a = max(x, 0)``."""
    height, width = x.shape[1], x.shape[2]
    out_h, out_w, channels = out.shape[1], out.shape[2], out.shape[3]
    for n in range(first, stop):
        for oh in range(out_h):
            h0, h1 = window(oh, stride_h, pad_h, pool_h, height)
            for ow in range(out_w):
                w0, w1 = window(ow, stride_w, pad_w, pool_w, width)
                for c in range(channels):
                    total, squares = _positive_sums(x, n, h0, h1, w0, w1, c)
                    out[n, oh, ow, c] = squares / total if total > 0.0 else 0.0


@njit(cache=True, nogil=True)
def stochastic_pool_expectation_backward(dy, x, pool_h, pool_w, stride_h, stride_w, pad_h,
                                         pad_w, dx, first, stop):
    """Gradient of :func:`stochastic_pool_expectation`: ``(2 a_j - y) / sum a`` for ``a_j > 0``."""
    height, width = x.shape[1], x.shape[2]
    out_h, out_w, channels = dy.shape[1], dy.shape[2], dy.shape[3]
    for n in range(first, stop):
        for oh in range(out_h):
            h0, h1 = window(oh, stride_h, pad_h, pool_h, height)
            for ow in range(out_w):
                w0, w1 = window(ow, stride_w, pad_w, pool_w, width)
                for c in range(channels):
                    total, squares = _positive_sums(x, n, h0, h1, w0, w1, c)
                    if total <= 0.0:
                        continue
                    y = squares / total
                    g = dy[n, oh, ow, c] / total
                    for ih in range(h0, h1):
                        for iw in range(w0, w1):
                            v = x[n, ih, iw, c]
                            if v > 0.0:
                                dx[n, ih, iw, c] += g * (2.0 * v - y)


def _pool_output(x, out_hw):
    return np.empty((x.shape[0], out_hw[0], out_hw[1], x.shape[3]), dtype=x.dtype)


def max_pool2d(x, pool_hw, stride_hw, out_hw, pad_hw):
    """Max pooling; returns the output and the flat input position each output took."""
    out = _pool_output(x, out_hw)
    index = np.empty(out.shape, dtype=np.int32)
    with kernel_threads():
        flat = np.ascontiguousarray(x).reshape(-1)
        if tuple(pool_hw) == (2, 2) and tuple(stride_hw) == (2, 2) and tuple(pad_hw) == (0, 0):
            over_ranges(max_pool_2x2_forward, len(x), flat, x.shape, out.reshape(-1),
                        out.shape, index.reshape(-1))
        elif (tuple(pool_hw) == (3, 3) and stride_hw[0] == stride_hw[1]
              and pad_hw[0] == pad_hw[1]):
            over_ranges(max_pool_3x3_forward, len(x), flat, x.shape, stride_hw[0], pad_hw[0],
                        out.reshape(-1), out.shape, index.reshape(-1))
        else:
            over_ranges(max_pool_forward, len(x), flat, x.shape, *pool_hw, *stride_hw,
                        *pad_hw, out.reshape(-1), out.shape, index.reshape(-1))
    return out, index


def pool2d_backward_from_index(dy, index, x_shape, dtype):
    """Backward of max (and sampled stochastic) pooling."""
    dx = np.empty(x_shape, dtype=dtype)  # the kernel zeroes it, image by image
    with kernel_threads():
        over_ranges(pool_backward_from_index, x_shape[0], np.ascontiguousarray(dy).reshape(-1),
                    index.reshape(-1), dy.shape, dx.reshape(-1), tuple(x_shape))
    return dx


def avg_pool2d(x, pool_hw, stride_hw, out_hw, pad_hw):
    out = _pool_output(x, out_hw)
    with kernel_threads():
        over_ranges(avg_pool_forward, len(x), x, *pool_hw, *stride_hw, *pad_hw, out)
    return out


def avg_pool2d_backward(dy, pool_hw, stride_hw, x_shape, pad_hw):
    dx = np.zeros(x_shape, dtype=dy.dtype)
    with kernel_threads():
        over_ranges(avg_pool_backward, x_shape[0], np.ascontiguousarray(dy), *pool_hw,
                    *stride_hw, *pad_hw, dx)
    return dx


def stochastic_pool2d_sample(x, keys, stream, pool_hw, stride_hw, out_hw, pad_hw):
    """Training-time stochastic pooling; returns the output and the positions drawn."""
    out = _pool_output(x, out_hw)
    index = np.empty(out.shape, dtype=np.int32)
    with kernel_threads():
        over_ranges(stochastic_pool_sample, len(x), x, keys, np.uint64(stream), *pool_hw,
                    *stride_hw, *pad_hw, out, index)
    return out, index


def stochastic_pool2d_expectation(x, pool_hw, stride_hw, out_hw, pad_hw):
    out = _pool_output(x, out_hw)
    with kernel_threads():
        over_ranges(stochastic_pool_expectation, len(x), x, *pool_hw, *stride_hw, *pad_hw,
                    out)
    return out


def stochastic_pool2d_expectation_backward(dy, x, pool_hw, stride_hw, pad_hw):
    dx = np.zeros_like(x)
    with kernel_threads():
        over_ranges(stochastic_pool_expectation_backward, len(x), np.ascontiguousarray(dy), x,
                    *pool_hw, *stride_hw, *pad_hw, dx)
    return dx
