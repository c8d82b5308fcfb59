"""Direct convolution for up to 8, 16 and 32 filters: no unfolded matrix, no BLAS.

With few filters, im2col's copy of every receptive field costs about as much as the
matrix product it feeds (see :mod:`.narrow_gemm`). These kernels copy each image once onto
a padded canvas (:func:`~.conv_gemm._padded_chunk`) and let
:func:`~.narrow_gemm.multiply_16` (16 filters at a time) or
:func:`~.narrow_gemm.multiply_8` (up to 8) read the receptive fields from it in place.
Measured per batch of 128 on 2 threads against im2col with BLAS
(``benchmarks/bench_conv.py``): ResNet-20's 16-channel layers forward 1.8x and backward
2.2x faster, its grey first layer 2x / 2.5x, LeNet-5's first layer 1.4x / 1.5x. With 64
filters BLAS's products are efficient, and on 7x7 maps a row of outputs is too short for
the register blocks (measured both ways): :func:`applies` keeps those on the im2col path.

With up to 8 filters and receptive fields of :data:`MIN_PLANAR_DEPTH` values or more, the
forward pass turns the product round (:func:`_planar_forward_images`): the filters are
its rows and 16 neighbouring outputs its columns.

Shapes as in :mod:`.conv_gemm`: ``x`` (N, H, W, C), weights ``wmat`` (KH * KW * C, F)
with rows ordered (kh, kw, c), output (N, OH, OW, F), all passed flat.
"""

import numpy as np
from numba import njit

from .conv_gemm import _canvas_shape, _padded_chunk
from .flat import copy_run
from .narrow_gemm import NARROW_WIDTH, WIDTH, multiply_8, multiply_16
from .threads import over_ranges

FILTERS = (16, 32)
"""Numbers of filters above 8 the direct kernels take (up to 8 they take any)."""
MIN_OUTPUT_WIDTH = 12
"""Narrowest output row the direct kernels take: two register blocks of six outputs (one
of twelve with up to 8 filters)."""
MIN_PLANAR_DEPTH = 48
"""Shortest receptive field (``KH * KW * C`` values) :func:`_planar_forward_images` takes:
its transposition costs the same per output whatever the field, its products gain in
proportion to it."""
CHUNK_IMAGES = 4
"""Images per partial weight gradient (fixed: the sums do not depend on threads)."""


def applies(n_filters, out_w):
    """Whether a convolution with ``n_filters`` filters and output rows ``out_w`` wide
    runs here rather than through im2col and BLAS."""
    return (n_filters in FILTERS or n_filters <= NARROW_WIDTH) and out_w >= MIN_OUTPUT_WIDTH


def _row_width(n_filters):
    """Room for one output row of the products: :func:`~.narrow_gemm.multiply_8` writes 8
    values whatever the number of filters."""
    return max(n_filters, NARROW_WIDTH)


@njit(inline="always")
def _product(a, a_start, a_row_step, a_step, n_segments, segment_step, segment_length, b,
             b_start, b_step, init, init_start, init_row_step, out, out_start, out_row_step,
             n_columns, n_rows):
    """:func:`~.narrow_gemm.multiply_16` over all ``n_columns`` columns (a multiple of
    16, or at most 8: then :func:`~.narrow_gemm.multiply_8`, which writes 8 values per
    row of ``out``); ``b``'s rows evenly ``b_step`` apart."""
    b_segment_step = segment_length * b_step
    if n_columns <= NARROW_WIDTH:
        multiply_8(a, a_start, a_row_step, a_step, n_segments, segment_step, segment_length,
                   b, b_start, b_step, b_segment_step, init, init_start, init_row_step, out,
                   out_start, out_row_step, n_columns, n_rows)
        return
    for column in range(0, n_columns, WIDTH):
        multiply_16(a, a_start, a_row_step, a_step, n_segments, segment_step, segment_length,
                    b, b_start + column, b_step, b_segment_step, init, init_start + column,
                    init_row_step, out, out_start + column, out_row_step, n_rows)


@njit(cache=True, nogil=True)
def _forward_images(x, x_shape, wmat, bias, stride_h, stride_w, pad_top, pad_left, kernel_h,
                    kernel_w, out_h, out_w, rows, cols, out, canvas, row_out, first, stop):
    """Images ``first:stop``: ``out[n, oh, ow] = bias + sum over the receptive field``,
    one row of outputs per product. With fewer than 8 filters the products write 8 values
    per output, in order: each output's surplus is overwritten by the next output's, and
    the row's last spills into the image's next row, written after it; the image's last
    row (whose spill would reach the next image, another thread's, or past ``out``) goes
    through ``row_out``, whose rows have room for 8 values, then is copied."""
    channels, n_filters = x_shape[3], wmat.shape[1]
    canvas_row = cols * channels
    narrow = n_filters < NARROW_WIDTH
    for n in range(first, stop):
        _padded_chunk(x, x_shape, n, n + 1, rows, cols, pad_top, pad_left, canvas)
        for oh in range(out_h):
            out_start = (n * out_h + oh) * out_w * n_filters
            if narrow and oh == out_h - 1:
                _product(canvas, oh * stride_h * canvas_row, stride_w * channels, 1,
                         kernel_h, canvas_row, kernel_w * channels, wmat, 0, n_filters, bias,
                         0, 0, row_out, 0, NARROW_WIDTH, n_filters, out_w)
                for ow in range(out_w):
                    copy_run(out, out_start + ow * n_filters, row_out, ow * NARROW_WIDTH,
                             n_filters)
            else:
                _product(canvas, oh * stride_h * canvas_row, stride_w * channels, 1,
                         kernel_h, canvas_row, kernel_w * channels, wmat, 0, n_filters, bias,
                         0, 0, out, out_start, n_filters, n_filters, out_w)


@njit(cache=True, nogil=True)
def _planar_forward_images(x, x_shape, wplanar, bias_rows, stride_h, pad_top, pad_left,
                           kernel_h, kernel_w, out_h, out_w, rows, cols, out, canvas, row_out,
                           first, stop):
    """Images ``first:stop`` at stride 1 along rows, up to 8 filters, the other way round:
    the product's rows are the filters and its 16 columns 16 neighbouring outputs.

    The image goes onto a planar canvas (``rows`` x ``channels`` runs of ``cols`` values:
    one run per image row and channel), where the 16 values a weight meets at 16
    neighbouring outputs are contiguous; a receptive field is then ``KH * C`` runs of
    ``KW`` steps (``b`` in runs) and the weights, ordered (kh, c, kw), are ``a``. Each step
    broadcasts one weight per filter and loads two vectors: 12 multiply-adds per 8 loads
    in the 6-filter block, against 12 per 13 when the filters are the vector (8 lanes for
    6 filters). The result, filters x outputs (``row_out``), is transposed into ``out``."""
    height, width, channels = x_shape[1], x_shape[2], x_shape[3]
    n_filters = bias_rows.size // WIDTH
    padded_w = row_out.size // n_filters
    plane_row = channels * cols
    r0, r1 = max(0, pad_top), min(rows, height + pad_top)
    c0, c1 = max(0, pad_left), min((out_w - 1) + kernel_w, width + pad_left)
    for n in range(first, stop):
        for r in range(r0, r1):
            for c in range(c0, c1):
                src = ((n * height + r - pad_top) * width + c - pad_left) * channels
                for ch in range(channels):
                    canvas[(r * channels + ch) * cols + c] = x[src + ch]
        for oh in range(out_h):
            for ow in range(0, out_w, WIDTH):
                multiply_16(wplanar, 0, 1, n_filters, kernel_h * channels,
                            kernel_w * n_filters, kernel_w, canvas,
                            oh * stride_h * plane_row + ow, 1, cols, bias_rows, 0, WIDTH,
                            row_out, ow, padded_w, n_filters)
            base = np.uint64((n * out_h + oh) * out_w * n_filters)
            for ow in range(np.uint64(out_w)):
                for f in range(np.uint64(n_filters)):
                    out[base + ow * n_filters + f] = row_out[f * padded_w + ow]


def _planar_forward(x, wmat, bias, stride_h, pad_top, pad_left, kernel_h, kernel_w, out):
    """:func:`conv2d_forward` through :func:`_planar_forward_images`."""
    n_images, _, _, channels = x.shape
    out_h, out_w, n_filters = out.shape[1], out.shape[2], out.shape[3]
    rows = (out_h - 1) * stride_h + kernel_h
    padded_w = -(-out_w // WIDTH) * WIDTH
    cols = padded_w + kernel_w - 1  # the last 16 outputs' fields lie inside each run
    wplanar = wmat.reshape(kernel_h, kernel_w, channels, n_filters).transpose(0, 2, 1, 3)

    def scratch():
        return (np.zeros(rows * channels * cols, dtype=x.dtype),
                np.empty(n_filters * padded_w, dtype=x.dtype))

    over_ranges(_planar_forward_images, n_images, np.ascontiguousarray(x).reshape(-1), x.shape,
                np.ascontiguousarray(wplanar, dtype=x.dtype).reshape(-1),
                np.repeat(np.asarray(bias, dtype=x.dtype), WIDTH), stride_h, pad_top, pad_left,
                kernel_h, kernel_w, out_h, out_w, rows, cols, out.reshape(-1), scratch=scratch)


def conv2d_forward(x, wmat, bias, stride_h, stride_w, pad_top, pad_left, kernel_h, kernel_w,
                   out):
    """``out[n, oh, ow, f] = bias[f] + sum x[n, oh*s - pad + kh, ow*s - pad + kw, c] w[...]``."""
    out_h, out_w = out.shape[1], out.shape[2]
    if wmat.shape[1] <= NARROW_WIDTH and stride_w == 1 and wmat.shape[0] >= MIN_PLANAR_DEPTH:
        _planar_forward(x, wmat, bias, stride_h, pad_top, pad_left, kernel_h, kernel_w, out)
        return
    rows, cols = _canvas_shape(out_h, out_w, stride_h, stride_w, kernel_h, kernel_w)

    def scratch():
        return (np.zeros(rows * cols * x.shape[3], dtype=x.dtype),
                np.empty(out_w * NARROW_WIDTH, dtype=x.dtype))

    # The products read their operands through flat offsets: C-contiguous arrays only.
    over_ranges(_forward_images, x.shape[0], np.ascontiguousarray(x).reshape(-1), x.shape,
                np.ascontiguousarray(wmat, dtype=x.dtype),
                np.ascontiguousarray(bias, dtype=x.dtype), stride_h, stride_w, pad_top, pad_left,
                kernel_h, kernel_w, out_h, out_w, rows, cols, out.reshape(-1), scratch=scratch)


@njit(cache=True, nogil=True)
def _weight_gradient_chunks(dy, x, x_shape, stride_h, stride_w, pad_top, pad_left, kernel_h,
                            kernel_w, out_h, out_w, rows, cols, chunk, zeros, partial_w,
                            partial_b, canvas, first, stop):
    """Chunks ``first:stop`` of ``chunk`` images: their weight gradient into
    ``partial_w[i]`` (summed image after image; rows :func:`_row_width` wide) and bias
    gradient into ``partial_b[i]``.

    Row ``t`` of the weight gradient is ``sum over outputs of field value t * dy``: the
    rows of one kernel row ``kh`` are ``KW * C`` neighbouring canvas values, so a block of
    them moves along the outputs together (``out_h`` segments of ``out_w`` outputs)."""
    n_images, channels = x_shape[0], x_shape[3]
    n_filters, width = partial_b.shape[1], partial_w.shape[2]
    canvas_row, run = cols * channels, kernel_w * channels
    positions = out_h * out_w
    for i in range(first, stop):
        n0, n1 = i * chunk, min(n_images, (i + 1) * chunk)
        for n in range(n0, n1):
            _padded_chunk(x, x_shape, n, n + 1, rows, cols, pad_top, pad_left, canvas)
            for kh in range(kernel_h):
                start = kh * run * width
                dy_start = n * positions * n_filters
                if n == n0:  # the chunk's first image starts the sums
                    _product(canvas, kh * canvas_row, 1, stride_w * channels, out_h,
                             stride_h * canvas_row, out_w, dy, dy_start, n_filters, zeros, 0,
                             0, partial_w[i], start, width, n_filters, run)
                else:
                    _product(canvas, kh * canvas_row, 1, stride_w * channels, out_h,
                             stride_h * canvas_row, out_w, dy, dy_start, n_filters,
                             partial_w[i], start, width, partial_w[i], start, width,
                             n_filters, run)
        _column_sums(dy, n0 * positions, n1 * positions, n_filters, partial_b[i])


@njit(inline="always")
def _column_sums(values, first_row, stop_row, width, out):
    """``out[j] = sum(values[r * width + j] for r in range(first_row, stop_row))``."""
    out[:] = 0
    for r in range(first_row, stop_row):
        start = np.uint64(r * width)
        for j in range(np.uint64(width)):
            out[j] += values[start + j]


def weight_gradient(dy, x, stride_h, stride_w, pad_top, pad_left, kernel_h, kernel_w, dwmat,
                    dbias):
    """Fill ``dwmat`` (KH*KW*C, F) and ``dbias`` (F,) from ``dy`` (N, OH, OW, F) and ``x``,
    summing one partial result per :data:`CHUNK_IMAGES` images in chunk order (the same
    result for any number of threads)."""
    chunk = CHUNK_IMAGES
    out_h, out_w, n_filters = dy.shape[1], dy.shape[2], dy.shape[3]
    rows, cols = _canvas_shape(out_h, out_w, stride_h, stride_w, kernel_h, kernel_w)
    n_chunks = (x.shape[0] + chunk - 1) // chunk
    partial_w = np.empty((n_chunks, dwmat.shape[0], _row_width(n_filters)), dtype=x.dtype)
    partial_b = np.empty((n_chunks, n_filters), dtype=x.dtype)

    def scratch():
        return (np.zeros(rows * cols * x.shape[3], dtype=x.dtype),)

    over_ranges(_weight_gradient_chunks, n_chunks, np.ascontiguousarray(dy).reshape(-1),
                np.ascontiguousarray(x).reshape(-1), x.shape, stride_h, stride_w, pad_top,
                pad_left, kernel_h, kernel_w, out_h, out_w, rows, cols, chunk,
                np.zeros(n_filters, dtype=x.dtype), partial_w, partial_b, scratch=scratch)
    np.sum(partial_w[:, :, :n_filters], axis=0, out=dwmat)
    np.sum(partial_b, axis=0, out=dbias)
