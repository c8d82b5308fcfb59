"""Pointwise (1x1, stride 1, unpadded) convolution on the CPU: matrix products over blocks
of pixel rows.

In channels-last layout a pointwise convolution is one matrix product of the maps'
(pixels, channels) rows with the weights; no unfolding. Inside
:func:`~skdeep.ops.cpu.threads.kernel_threads` BLAS runs on one thread, so the rows are cut
into fixed blocks of ``BLOCK_ROWS`` and the blocks spread over the cores like every other
kernel (one BLAS call per block: 1.4-1.6x a single call on one thread, measured on
DenseNet-BC's 1x1 layers). The weight gradient sums one partial product per block, in
block order, so it does not depend on the number of threads.
"""

import numpy as np
from numba import njit

from .conv_gemm import sum_partials
from .threads import over_ranges

BLOCK_ROWS = 4096


def n_blocks(n_rows):
    return -(-n_rows // BLOCK_ROWS)


@njit(cache=True, nogil=True)
def _add_bias(rows, bias):
    for r in range(rows.shape[0]):
        for f in range(np.uint64(rows.shape[1])):
            rows[r, f] += bias[f]


@njit(cache=True, nogil=True)
def _column_sums(grad_rows, partial_b, i):
    for f in range(grad_rows.shape[1]):
        partial_b[i, f] = 0.0
    for r in range(grad_rows.shape[0]):
        for f in range(grad_rows.shape[1]):
            partial_b[i, f] += grad_rows[r, f]


@njit(cache=True, nogil=True)
def _forward_blocks(rows, wmat, bias, out, first, stop):
    for b in range(first, stop):
        r0, r1 = b * BLOCK_ROWS, min(rows.shape[0], (b + 1) * BLOCK_ROWS)
        block = out[r0:r1]
        np.dot(rows[r0:r1], wmat, block)
        _add_bias(block, bias)


@njit(cache=True, nogil=True)
def _backward_blocks(rows, d_rows, wmat_t, need_dx, d_input, partial_w, partial_b, first,
                     stop):
    for b in range(first, stop):
        r0, r1 = b * BLOCK_ROWS, min(rows.shape[0], (b + 1) * BLOCK_ROWS)
        grad = d_rows[r0:r1]
        np.dot(rows[r0:r1].T, grad, partial_w[b])
        _column_sums(grad, partial_b, b)
        if need_dx:
            np.dot(grad, wmat_t, d_input[r0:r1])


def conv2d_forward(rows, wmat, bias, out):
    """``out = rows @ wmat + bias`` for (pixels, C) ``rows`` and (pixels, F) ``out``."""
    over_ranges(_forward_blocks, n_blocks(len(rows)), rows, wmat, bias, out)


def conv2d_backward(rows, d_rows, wmat, need_dx, d_input, dwmat, dbias):
    """Fill ``dwmat`` (C, F), ``dbias`` (F,) and, when ``need_dx``, ``d_input`` (pixels, C)."""
    blocks = n_blocks(len(rows))
    partial_w = np.empty((blocks,) + wmat.shape, dtype=rows.dtype)
    partial_b = np.empty((blocks, wmat.shape[1]), dtype=rows.dtype)
    over_ranges(_backward_blocks, blocks, rows, d_rows, np.ascontiguousarray(wmat.T), need_dx,
                d_input, partial_w, partial_b)
    sum_partials(partial_w, partial_b, dwmat, dbias)
