"""2-D convolution on the CPU: Numba kernels over channels-last (NHWC) arrays.

Every kernel works on a few images at a time (a *chunk*): it unfolds their receptive
fields into a matrix of about ``_CHUNK_BYTES`` (im2col) and multiplies it by the weights
with BLAS (``np.dot`` compiles to a GEMM call). Ranges of chunks run on the
cores (:func:`skdeep.ops.cpu.threads.over_ranges`); call the kernels inside
:func:`~skdeep.ops.cpu.threads.kernel_threads`, which limits BLAS to one thread so that the
kernels' threads and BLAS's do not fight over the cores. Reductions over the batch (the
weight gradient) sum one partial result per chunk in chunk order, so results do not
depend on the number of threads.

Shapes: ``x`` (N, H, W, C); weights as a matrix ``wmat`` (KH * KW * C, F) whose rows are
ordered (kh, kw, c); output (N, OH, OW, F). ``pad_top`` and ``pad_left`` may be negative
(a crop), which is how a strided 1x1 shortcut samples the centre of a receptive field.
"""

import numpy as np
from numba import njit

from .flat import add_run, copy_run
from .threads import over_ranges

_CHUNK_BYTES = 1024 * 1024
"""Target size of one chunk's unfolded input: twice a core's L2 cache here, yet faster than
chunks that fit it (longer GEMMs; measured on ResNet-20's 3x3 layers)."""


def chunk_size(n_images, rows_per_image, width, itemsize):
    """Images per chunk: the unfolded matrix fits in ``_CHUNK_BYTES``, at least one."""
    per_image = rows_per_image * width * itemsize
    return int(max(1, min(n_images, _CHUNK_BYTES // max(per_image, 1))))


@njit(cache=True, nogil=True)
def _padded_chunk(x, n0, n1, rows, cols, pad_top, pad_left, canvas):
    """Images ``n0:n1`` of ``x`` on the canvas (``rows x cols`` pixels, zero where no image
    pixel lands), shifted by the padding (a negative padding crops), so that the unfolding
    below needs no bounds checks. Returns the part of the canvas used.

    Only the image's pixels are written: a canvas allocated with zeros can be filled chunk
    after chunk and its border stays zero."""
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    canvas = canvas[:n1 - n0]
    r0, r1 = max(0, pad_top), min(rows, height + pad_top)
    c0, c1 = max(0, pad_left), min(cols, width + pad_left)
    src, dst = x.ravel(), canvas.ravel()
    run = max(0, c1 - c0) * channels
    for i in range(n1 - n0):
        for r in range(r0, r1):
            copy_run(dst, ((i * rows + r) * cols + c0) * channels, src,
                      (((n0 + i) * height + r - pad_top) * width + c0 - pad_left) * channels,
                      run)
    return canvas


@njit(cache=True, nogil=True)
def _im2col(canvas, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w, col):
    """Row ``(i, oh, ow)`` of ``col`` is the receptive field of that output, ordered
    (kh, kw, c): ``kernel_h`` contiguous runs of ``kernel_w * C`` values."""
    rows, cols, channels = canvas.shape[1], canvas.shape[2], canvas.shape[3]
    run, width = kernel_w * channels, col.shape[1]
    src, dst = canvas.ravel(), col.ravel()
    row = 0
    for i in range(canvas.shape[0]):
        for oh in range(out_h):
            for ow in range(out_w):
                for kh in range(kernel_h):
                    copy_run(dst, row * width + kh * run, src,
                              ((i * rows + oh * stride_h + kh) * cols + ow * stride_w)
                              * channels, run)
                row += 1


@njit(cache=True, nogil=True)
def _col2im_add(col, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w, canvas):
    """The adjoint of :func:`_im2col`: add every row back onto its receptive field."""
    rows, cols, channels = canvas.shape[1], canvas.shape[2], canvas.shape[3]
    run, width = kernel_w * channels, col.shape[1]
    src, dst = col.ravel(), canvas.ravel()
    row = 0
    for i in range(canvas.shape[0]):
        for oh in range(out_h):
            for ow in range(out_w):
                for kh in range(kernel_h):
                    add_run(dst, ((i * rows + oh * stride_h + kh) * cols + ow * stride_w)
                             * channels, src, row * width + kh * run, run)
                row += 1


@njit(cache=True, nogil=True)
def _uncrop_chunk(canvas, n0, pad_top, pad_left, dx):
    """Copy the part of ``canvas`` that lies on the input back to ``dx[n0:]`` (zeros
    where the input reaches past the canvas)."""
    height, width, channels = dx.shape[1], dx.shape[2], dx.shape[3]
    rows, cols = canvas.shape[1], canvas.shape[2]
    h0, h1 = max(0, -pad_top), min(height, rows - pad_top)
    w0, w1 = max(0, -pad_left), min(width, cols - pad_left)
    src, dst = canvas.ravel(), dx.ravel()
    for i in range(canvas.shape[0]):
        image = (n0 + i) * height
        for h in range(height):
            base = (image + h) * width * channels
            if h < h0 or h >= h1 or w1 <= w0:
                for j in range(width * channels):
                    dst[base + j] = 0.0
                continue
            for j in range(w0 * channels):
                dst[base + j] = 0.0
            copy_run(dst, base + w0 * channels, src,
                      ((i * rows + h + pad_top) * cols + w0 + pad_left) * channels,
                      (w1 - w0) * channels)
            for j in range(w1 * channels, width * channels):
                dst[base + j] = 0.0


@njit(cache=True, nogil=True)
def _forward_chunks(x, wmat, bias, stride_h, stride_w, pad_top, pad_left, kernel_h, kernel_w,
                    chunk, out, first, stop):
    """Chunks ``first:stop`` of ``out[n, oh, ow, f] = bias[f] + sum x[...] w[...]``."""
    n_images = x.shape[0]
    out_h, out_w, n_filters = out.shape[1], out.shape[2], out.shape[3]
    positions = out_h * out_w
    out_rows = out.reshape(n_images * positions, n_filters)
    rows, cols = (out_h - 1) * stride_h + kernel_h, (out_w - 1) * stride_w + kernel_w
    # Buffers for one chunk, reused chunk after chunk: allocating them per chunk cost
    # page faults on every chunk (1 MB each).
    padded = np.zeros((chunk, rows, cols, x.shape[3]), dtype=x.dtype)
    unfolded = np.empty((chunk * positions, wmat.shape[0]), dtype=x.dtype)
    for i in range(first, stop):
        n0 = i * chunk
        n1 = min(n_images, n0 + chunk)
        canvas = _padded_chunk(x, n0, n1, rows, cols, pad_top, pad_left, padded)
        col = unfolded[:(n1 - n0) * positions]
        _im2col(canvas, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w, col)
        chunk_rows = out_rows[n0 * positions:n1 * positions]
        np.dot(col, wmat, chunk_rows)
        add_bias(chunk_rows, bias)


def conv2d_forward(x, wmat, bias, stride_h, stride_w, pad_top, pad_left, kernel_h, kernel_w,
                   chunk, out):
    """``out[n, oh, ow, f] = bias[f] + sum x[n, oh*s - pad + kh, ow*s - pad + kw, c] w[...]``."""
    n_chunks = (x.shape[0] + chunk - 1) // chunk
    over_ranges(_forward_chunks, n_chunks, x, wmat, bias, stride_h, stride_w, pad_top,
                pad_left, kernel_h, kernel_w, chunk, out)


@njit(cache=True, nogil=True)
def _backward_chunks(dy, x, wmat_t, stride_h, stride_w, pad_top, pad_left, kernel_h,
                     kernel_w, chunk, need_dx, dx, partial_w, partial_b, first, stop):
    """Chunks ``first:stop``: their weight and bias gradients into ``partial_w[i]`` and
    ``partial_b[i]``, and their input gradient into ``dx`` when ``need_dx``."""
    n_images = x.shape[0]
    out_h, out_w, n_filters = dy.shape[1], dy.shape[2], dy.shape[3]
    positions = out_h * out_w
    dy_rows = dy.reshape(n_images * positions, n_filters)
    rows, cols = (out_h - 1) * stride_h + kernel_h, (out_w - 1) * stride_w + kernel_w
    n_k = partial_w.shape[1]
    padded = np.zeros((chunk, rows, cols, x.shape[3]), dtype=x.dtype)
    unfolded = np.empty((chunk * positions, n_k), dtype=x.dtype)  # also the unfolded dx
    folded = np.empty((chunk, rows, cols, x.shape[3]) if need_dx else (1, 1, 1, 1),
                      dtype=x.dtype)
    for i in range(first, stop):
        n0 = i * chunk
        n1 = min(n_images, n0 + chunk)
        grad_rows = dy_rows[n0 * positions:n1 * positions]
        canvas = _padded_chunk(x, n0, n1, rows, cols, pad_top, pad_left, padded)
        col = unfolded[:grad_rows.shape[0]]
        _im2col(canvas, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w, col)
        np.dot(col.T, grad_rows, partial_w[i])
        column_sums(grad_rows, partial_b, i)
        if need_dx:
            np.dot(grad_rows, wmat_t, col)
            d_canvas = folded[:n1 - n0]
            d_canvas.fill(0.0)
            _col2im_add(col, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w, d_canvas)
            _uncrop_chunk(d_canvas, n0, pad_top, pad_left, dx)


@njit(cache=True, nogil=True)
def add_bias(rows, bias):
    for r in range(rows.shape[0]):
        for f in range(np.uint64(rows.shape[1])):
            rows[r, f] += bias[f]


@njit(cache=True, nogil=True)
def column_sums(grad_rows, partial_b, i):
    for f in range(grad_rows.shape[1]):
        partial_b[i, f] = 0.0
    for r in range(grad_rows.shape[0]):
        for f in range(grad_rows.shape[1]):
            partial_b[i, f] += grad_rows[r, f]


def sum_partials(partial_w, partial_b, dwmat, dbias):
    """Sum per-chunk (or per-block) gradients in order (NumPy reduces over the first axis
    one chunk after the other): the same result for any thread count."""
    np.sum(partial_w, axis=0, out=dwmat)
    np.sum(partial_b, axis=0, out=dbias)


def conv2d_backward(dy, x, wmat, stride_h, stride_w, pad_top, pad_left, kernel_h, kernel_w,
                    chunk, need_dx, dx, dwmat, dbias):
    """Fill ``dwmat`` (KH*KW*C, F), ``dbias`` (F,) and, when ``need_dx``, ``dx`` (N, H, W, C)."""
    n_chunks = (x.shape[0] + chunk - 1) // chunk
    partial_w = np.empty((n_chunks,) + wmat.shape, dtype=x.dtype)
    partial_b = np.empty((n_chunks, wmat.shape[1]), dtype=x.dtype)
    over_ranges(_backward_chunks, n_chunks, dy, x, np.ascontiguousarray(wmat.T), stride_h,
                stride_w, pad_top, pad_left, kernel_h, kernel_w, chunk, need_dx, dx,
                partial_w, partial_b)
    sum_partials(partial_w, partial_b, dwmat, dbias)
