"""2-D convolution on the CPU: Numba kernels over channels-last (NHWC) arrays.

Every kernel works on a few images at a time (a *chunk*): it unfolds their receptive
fields into a small matrix (im2col) that stays in the core's L2 cache and multiplies it by
the weights with BLAS (``np.dot`` compiles to a GEMM call). Chunks run in parallel
(``prange``); call the kernels with BLAS limited to one thread (see
:mod:`skdeep.ops._threads`) so that Numba's threads and BLAS's threads do not fight over
the cores. Reductions over the batch (the weight gradient) sum one partial result per
chunk in chunk order, so results do not depend on the number of threads.

Shapes: ``x`` (N, H, W, C); weights as a matrix ``wmat`` (KH * KW * C, F) whose rows are
ordered (kh, kw, c); output (N, OH, OW, F). ``pad_top`` and ``pad_left`` may be negative
(a crop), which is how a strided 1x1 shortcut samples the centre of a receptive field.
"""

import numpy as np
from numba import njit, prange

_CHUNK_BYTES = 192 * 1024
"""Target size of one chunk's unfolded input: about half of a core's L2 cache here."""


def chunk_size(n_images, rows_per_image, width, itemsize):
    """Images per chunk: the unfolded matrix fits in ``_CHUNK_BYTES``, at least one."""
    per_image = rows_per_image * width * itemsize
    return int(max(1, min(n_images, _CHUNK_BYTES // max(per_image, 1))))


@njit(cache=True, nogil=True)
def _im2col(x, n0, n1, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w,
            pad_top, pad_left, col):
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    row = 0
    for n in range(n0, n1):
        for oh in range(out_h):
            for ow in range(out_w):
                k = 0
                for kh in range(kernel_h):
                    ih = oh * stride_h - pad_top + kh
                    for kw in range(kernel_w):
                        iw = ow * stride_w - pad_left + kw
                        if 0 <= ih < height and 0 <= iw < width:
                            for c in range(channels):
                                col[row, k + c] = x[n, ih, iw, c]
                        else:
                            for c in range(channels):
                                col[row, k + c] = 0.0
                        k += channels
                row += 1


@njit(cache=True, nogil=True)
def _col2im_add(col, n0, n1, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w,
                pad_top, pad_left, dx):
    height, width, channels = dx.shape[1], dx.shape[2], dx.shape[3]
    row = 0
    for n in range(n0, n1):
        for oh in range(out_h):
            for ow in range(out_w):
                k = 0
                for kh in range(kernel_h):
                    ih = oh * stride_h - pad_top + kh
                    for kw in range(kernel_w):
                        iw = ow * stride_w - pad_left + kw
                        if 0 <= ih < height and 0 <= iw < width:
                            for c in range(channels):
                                dx[n, ih, iw, c] += col[row, k + c]
                        k += channels
                row += 1


@njit(cache=True, parallel=True)
def conv2d_forward(x, wmat, bias, stride_h, stride_w, pad_top, pad_left, kernel_h,
                   kernel_w, chunk, out):
    """``out[n, oh, ow, f] = bias[f] + sum x[n, oh*s - pad + kh, ow*s - pad + kw, c] w[...]``."""
    n_images = x.shape[0]
    out_h, out_w, n_filters = out.shape[1], out.shape[2], out.shape[3]
    positions = out_h * out_w
    out_rows = out.reshape(n_images * positions, n_filters)
    n_chunks = (n_images + chunk - 1) // chunk
    for i in prange(n_chunks):
        n0 = i * chunk
        n1 = min(n_images, n0 + chunk)
        col = np.empty(((n1 - n0) * positions, wmat.shape[0]), dtype=x.dtype)
        _im2col(x, n0, n1, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w,
                pad_top, pad_left, col)
        result = np.dot(col, wmat)
        r0 = n0 * positions
        for r in range(result.shape[0]):
            for f in range(n_filters):
                out_rows[r0 + r, f] = result[r, f] + bias[f]


@njit(cache=True, parallel=True)
def conv2d_backward(dy, x, wmat, stride_h, stride_w, pad_top, pad_left, kernel_h,
                    kernel_w, chunk, need_dx, dx, dwmat, dbias):
    """Fill ``dwmat`` (KH*KW*C, F), ``dbias`` (F,) and, when ``need_dx``, ``dx`` (N, H, W, C)."""
    n_images = x.shape[0]
    out_h, out_w, n_filters = dy.shape[1], dy.shape[2], dy.shape[3]
    positions = out_h * out_w
    dy_rows = dy.reshape(n_images * positions, n_filters)
    n_chunks = (n_images + chunk - 1) // chunk
    partial_w = np.empty((n_chunks, wmat.shape[0], n_filters), dtype=x.dtype)
    partial_b = np.zeros((n_chunks, n_filters), dtype=x.dtype)
    wmat_t = np.ascontiguousarray(wmat.T)
    for i in prange(n_chunks):
        n0 = i * chunk
        n1 = min(n_images, n0 + chunk)
        rows = dy_rows[n0 * positions:n1 * positions]
        col = np.empty((rows.shape[0], wmat.shape[0]), dtype=x.dtype)
        _im2col(x, n0, n1, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w,
                pad_top, pad_left, col)
        partial_w[i] = np.dot(col.T, rows)
        for r in range(rows.shape[0]):
            for f in range(n_filters):
                partial_b[i, f] += rows[r, f]
        if need_dx:
            dcol = np.dot(rows, wmat_t)
            for n in range(n0, n1):
                dx[n] = 0.0
            _col2im_add(dcol, n0, n1, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w,
                        pad_top, pad_left, dx)
    dwmat[...] = partial_w[0]
    dbias[...] = partial_b[0]
    for i in range(1, n_chunks):
        dwmat += partial_w[i]
        dbias += partial_b[i]
