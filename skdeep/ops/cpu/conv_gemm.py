"""2-D convolution on the CPU: Numba kernels over channels-last (NHWC) arrays.

Every kernel works on a few images at a time (a *chunk*): it unfolds their receptive
fields into a matrix of about ``_CHUNK_BYTES`` (im2col) and multiplies it by the weights
with BLAS (``np.dot`` compiles to a GEMM call). The bias rides in the same GEMM: every
unfolded row ends in a 1 and the weights get the bias as their last row, so the backward
GEMM's last row is the bias gradient (no bias pass, and no bias kernels to compile; the
pointwise path keeps its own). Ranges of chunks run on the
cores (:func:`skdeep.ops.cpu.threads.over_ranges`); call the kernels inside
:func:`~skdeep.ops.cpu.threads.kernel_threads`, which limits BLAS to one thread so that the
kernels' threads and BLAS's do not fight over the cores. Reductions over the batch (the
weight gradient) sum one partial result per chunk in chunk order, so results do not
depend on the number of threads.

Shapes: ``x`` (N, H, W, C); weights as a matrix ``wmat`` (KH * KW * C, F) whose rows are
ordered (kh, kw, c); output (N, OH, OW, F). The kernels take maps as flat arrays with their
shapes, and their work buffers from the caller (``scratch`` of
:func:`~skdeep.ops.cpu.threads.over_ranges`): flattening (``ravel``) or allocating inside
a kernel compiles a helper per array type (0.1-0.3 s each; with them, the two kernels
compiled in 4.0 s on a first fit, without them in 3.1 s, and 2.5 s with the bias in the
GEMM).

``pad_top`` and ``pad_left`` may be negative (a crop), which is how a strided 1x1 shortcut
samples the centre of a receptive field.
"""

import numpy as np
from numba import njit

from .flat import add_run, copy_run, zero_run
from .threads import over_ranges

_CHUNK_BYTES = 1024 * 1024
"""Target size of one chunk's unfolded input: twice a core's L2 cache here, yet faster than
chunks that fit it (longer GEMMs; measured on ResNet-20's 3x3 layers)."""


def chunk_size(n_images, rows_per_image, width, itemsize):
    """Images per chunk: the unfolded matrix fits in ``_CHUNK_BYTES``, at least one."""
    per_image = rows_per_image * width * itemsize
    return int(max(1, min(n_images, _CHUNK_BYTES // max(per_image, 1))))


@njit(cache=True, nogil=True)
def _padded_chunk(x, x_shape, n0, n1, rows, cols, pad_top, pad_left, canvas):
    """Images ``n0:n1`` of ``x`` (flat, shaped ``x_shape``) on the flat canvas (``rows x
    cols`` pixels per image, zero where no image pixel lands), shifted by the padding (a
    negative padding crops), so that the unfolding below needs no bounds checks.

    Only the image's pixels are written: a canvas allocated with zeros can be filled chunk
    after chunk and its border stays zero."""
    height, width, channels = x_shape[1], x_shape[2], x_shape[3]
    r0, r1 = max(0, pad_top), min(rows, height + pad_top)
    c0, c1 = max(0, pad_left), min(cols, width + pad_left)
    run = max(0, c1 - c0) * channels
    for i in range(n1 - n0):
        for r in range(r0, r1):
            copy_run(canvas, ((i * rows + r) * cols + c0) * channels, x,
                     (((n0 + i) * height + r - pad_top) * width + c0 - pad_left) * channels,
                     run)


@njit(cache=True, nogil=True)
def _im2col(canvas, images, rows, cols, channels, out_h, out_w, kernel_h, kernel_w, stride_h,
            stride_w, col, width):
    """The first ``kernel_h * kernel_w * channels`` values of row ``(i, oh, ow)`` of ``col``
    (flat, rows ``width`` values apart) are the receptive field of that output, ordered
    (kh, kw, c): ``kernel_h`` contiguous runs of ``kernel_w * channels`` values of the flat
    canvas. The values past them are left as they are (the bias column)."""
    run = kernel_w * channels
    row = 0
    for i in range(images):
        for oh in range(out_h):
            for ow in range(out_w):
                for kh in range(kernel_h):
                    copy_run(col, row * width + kh * run, canvas,
                             ((i * rows + oh * stride_h + kh) * cols + ow * stride_w)
                             * channels, run)
                row += 1


@njit(cache=True, nogil=True)
def _col2im_add(col, n0, n1, dx, dx_shape, out_h, out_w, kernel_h, kernel_w, stride_h,
                stride_w, pad_top, pad_left):
    """The adjoint of the unfolding: add every row of ``col`` (one per output of images
    ``n0:n1``) back onto its receptive field in the flat ``dx``, the parts of the field
    that lie on the input (padding takes no gradient; a negative padding crops). Zeroes
    those images of ``dx`` first."""
    height, width, channels = dx_shape[1], dx_shape[2], dx_shape[3]
    image_values = height * width * channels
    zero_run(dx, n0 * image_values, (n1 - n0) * image_values)
    row_values = kernel_h * kernel_w * channels
    row = 0
    for n in range(n0, n1):
        for oh in range(out_h):
            for ow in range(out_w):
                left = ow * stride_w - pad_left  # input column of the field's first column
                kw0, kw1 = max(0, -left), min(kernel_w, width - left)
                for kh in range(kernel_h):
                    ih = oh * stride_h - pad_top + kh
                    if ih < 0 or ih >= height or kw1 <= kw0:
                        continue
                    add_run(dx, ((n * height + ih) * width + left + kw0) * channels, col,
                            row * row_values + (kh * kernel_w + kw0) * channels,
                            (kw1 - kw0) * channels)
                row += 1


@njit(cache=True, nogil=True)
def _forward_chunks(x, x_shape, wmat_b, stride_h, stride_w, pad_top, pad_left, kernel_h,
                    kernel_w, out_h, out_w, rows, cols, chunk, out_rows, canvas, unfolded,
                    unfolded_flat, first, stop):
    """Chunks ``first:stop`` of ``out[n, oh, ow, f] = bias[f] + sum x[...] w[...]``
    (``out_rows``: the output as (N * OH * OW, F) rows; ``wmat_b``: the weights with the
    bias as their last row, ``unfolded``: rows that end in a 1)."""
    n_images, channels = x_shape[0], x_shape[3]
    positions = out_h * out_w
    for i in range(first, stop):
        n0 = i * chunk
        n1 = min(n_images, n0 + chunk)
        _padded_chunk(x, x_shape, n0, n1, rows, cols, pad_top, pad_left, canvas)
        _im2col(canvas, n1 - n0, rows, cols, channels, out_h, out_w, kernel_h, kernel_w,
                stride_h, stride_w, unfolded_flat, unfolded.shape[1])
        np.dot(unfolded[:(n1 - n0) * positions], wmat_b,
               out_rows[n0 * positions:n1 * positions])


def _canvas_shape(out_h, out_w, stride_h, stride_w, kernel_h, kernel_w):
    """Rows and columns of the canvas that holds every receptive field of a chunk."""
    return (out_h - 1) * stride_h + kernel_h, (out_w - 1) * stride_w + kernel_w


def _unfolded_with_ones(n_rows, n_weights, dtype):
    """The unfolded matrix of one chunk, ``n_weights + 1`` wide, its last column all ones
    (the unfolding never writes it): with the bias as the weights' last row, the GEMM
    adds the bias, and in the backward pass its last row is the bias gradient."""
    unfolded = np.empty((n_rows, n_weights + 1), dtype=dtype)
    unfolded[:, -1] = 1
    return unfolded, unfolded.reshape(-1)


def conv2d_forward(x, wmat, bias, stride_h, stride_w, pad_top, pad_left, kernel_h, kernel_w,
                   chunk, out):
    """``out[n, oh, ow, f] = bias[f] + sum x[n, oh*s - pad + kh, ow*s - pad + kw, c] w[...]``."""
    n_chunks = (x.shape[0] + chunk - 1) // chunk
    out_h, out_w = out.shape[1], out.shape[2]
    rows, cols = _canvas_shape(out_h, out_w, stride_h, stride_w, kernel_h, kernel_w)

    def scratch():
        # Buffers for one range, reused chunk after chunk: allocating them per chunk
        # cost page faults on every chunk (1 MB each).
        return (np.zeros(chunk * rows * cols * x.shape[3], dtype=x.dtype),
                *_unfolded_with_ones(chunk * out_h * out_w, wmat.shape[0], x.dtype))

    wmat_b = np.concatenate([wmat, bias.reshape(1, -1)]).astype(x.dtype, copy=False)
    over_ranges(_forward_chunks, n_chunks, x.reshape(-1), x.shape, wmat_b, stride_h, stride_w,
                pad_top, pad_left, kernel_h, kernel_w, out_h, out_w, rows, cols, chunk,
                out.reshape(-1, out.shape[3]), scratch=scratch)


@njit(cache=True, nogil=True)
def _backward_chunks(dy_rows, x, x_shape, wmat_t, stride_h, stride_w, pad_top, pad_left,
                     kernel_h, kernel_w, out_h, out_w, rows, cols, chunk, need_dx, dx, partial,
                     canvas, unfolded, unfolded_flat, d_unfolded, d_unfolded_flat, first,
                     stop):
    """Chunks ``first:stop``: their weight gradient, with the bias gradient as its last
    row, into ``partial[i]``, and their input gradient into the flat ``dx`` when
    ``need_dx``."""
    n_images, channels = x_shape[0], x_shape[3]
    positions = out_h * out_w
    for i in range(first, stop):
        n0 = i * chunk
        n1 = min(n_images, n0 + chunk)
        grad_rows = dy_rows[n0 * positions:n1 * positions]
        _padded_chunk(x, x_shape, n0, n1, rows, cols, pad_top, pad_left, canvas)
        _im2col(canvas, n1 - n0, rows, cols, channels, out_h, out_w, kernel_h, kernel_w,
                stride_h, stride_w, unfolded_flat, unfolded.shape[1])
        np.dot(unfolded[:grad_rows.shape[0]].T, grad_rows, partial[i])
        if need_dx:
            np.dot(grad_rows, wmat_t, d_unfolded[:grad_rows.shape[0]])
            _col2im_add(d_unfolded_flat, n0, n1, dx, x_shape, out_h, out_w, kernel_h,
                        kernel_w, stride_h, stride_w, pad_top, pad_left)


@njit(cache=True, nogil=True)
def _input_gradient_chunks(dy_rows, wmat_t, x_shape, stride_h, stride_w, pad_top, pad_left,
                           kernel_h, kernel_w, out_h, out_w, chunk, dx, d_unfolded,
                           d_unfolded_flat, first, stop):
    """Chunks ``first:stop``: their input gradient into the flat ``dx`` (the unfolded
    gradient ``dy @ wmat.T``, folded back), without the weight gradient."""
    n_images = x_shape[0]
    positions = out_h * out_w
    for i in range(first, stop):
        n0 = i * chunk
        n1 = min(n_images, n0 + chunk)
        grad_rows = dy_rows[n0 * positions:n1 * positions]
        np.dot(grad_rows, wmat_t, d_unfolded[:grad_rows.shape[0]])
        _col2im_add(d_unfolded_flat, n0, n1, dx, x_shape, out_h, out_w, kernel_h, kernel_w,
                    stride_h, stride_w, pad_top, pad_left)


def conv2d_input_gradient(dy, wmat, x_shape, stride_h, stride_w, pad_top, pad_left, kernel_h,
                          kernel_w, chunk, dx):
    """Fill ``dx`` (N, H, W, C) alone, for layers whose weight gradient comes from
    elsewhere (:mod:`.conv_direct`)."""
    n_chunks = (x_shape[0] + chunk - 1) // chunk
    n_weights, n_filters = wmat.shape
    out_h, out_w = dy.shape[1], dy.shape[2]

    def scratch():
        d_unfolded = np.empty((chunk * out_h * out_w, n_weights), dtype=dy.dtype)
        return d_unfolded, d_unfolded.reshape(-1)

    over_ranges(_input_gradient_chunks, n_chunks, dy.reshape(-1, n_filters),
                np.ascontiguousarray(wmat.T), tuple(x_shape), stride_h, stride_w, pad_top,
                pad_left, kernel_h, kernel_w, out_h, out_w, chunk, dx.reshape(-1),
                scratch=scratch)


def sum_partials(partial_w, partial_b, dwmat, dbias):
    """Sum per-chunk (or per-block) gradients in order (NumPy reduces over the first axis
    one chunk after the other): the same result for any thread count."""
    np.sum(partial_w, axis=0, out=dwmat)
    np.sum(partial_b, axis=0, out=dbias)


def conv2d_backward(dy, x, wmat, stride_h, stride_w, pad_top, pad_left, kernel_h, kernel_w,
                    chunk, need_dx, dx, dwmat, dbias):
    """Fill ``dwmat`` (KH*KW*C, F), ``dbias`` (F,) and, when ``need_dx``, ``dx`` (N, H, W, C)."""
    n_chunks = (x.shape[0] + chunk - 1) // chunk
    n_weights, n_filters = wmat.shape
    partial = np.empty((n_chunks, n_weights + 1, n_filters), dtype=x.dtype)
    out_h, out_w = dy.shape[1], dy.shape[2]
    rows, cols = _canvas_shape(out_h, out_w, stride_h, stride_w, kernel_h, kernel_w)
    canvas_size = chunk * rows * cols * x.shape[3]
    n_rows = chunk * out_h * out_w

    def scratch():
        d_unfolded = np.empty((n_rows if need_dx else 1, n_weights), dtype=x.dtype)
        return (np.zeros(canvas_size, dtype=x.dtype),
                *_unfolded_with_ones(n_rows, n_weights, x.dtype),
                d_unfolded, d_unfolded.reshape(-1))

    over_ranges(_backward_chunks, n_chunks, dy.reshape(-1, n_filters), x.reshape(-1), x.shape,
                np.ascontiguousarray(wmat.T), stride_h, stride_w, pad_top, pad_left, kernel_h,
                kernel_w, out_h, out_w, rows, cols, chunk, need_dx, dx.reshape(-1), partial,
                scratch=scratch)
    sum_partials(partial[:, :n_weights], partial[:, n_weights], dwmat, dbias)
