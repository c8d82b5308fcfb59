"""Convolution on the CPU in channels-last layout: allocate outputs, pick a kernel, run it.

Layers call these functions on (N, H, W, C) arrays; :mod:`skdeep.ops` wraps them for NCHW
callers. Weights are a matrix (KH * KW * C, F) with rows ordered (kh, kw, c). The kernels
(:mod:`.conv_gemm`) unfold chunks of images (im2col) and multiply with BLAS; a pointwise
(1x1) convolution is a single matrix product.
"""

import numpy as np

from . import conv_gemm, conv_pointwise
from .threads import kernel_threads


def conv2d(x, wmat, bias, kernel_hw, stride_hw, geometry, method=None):
    """Convolution of ``x`` (N, H, W, C); ``geometry`` is :func:`conv_geometry`'s result.

    ``method`` is ``"gemm"`` (im2col + BLAS), ``"pointwise"`` (a 1x1 convolution with
    stride 1 and no padding: one matrix product of the maps' rows of channels, no
    unfolding) or None (pointwise where it applies, else gemm).
    """
    out_h, out_w, top, left = geometry
    n, f = x.shape[0], wmat.shape[1]
    out = np.empty((n, out_h, out_w, f), dtype=x.dtype)
    if method is None and _is_pointwise(x, kernel_hw, stride_hw, geometry):
        method = "pointwise"
    with kernel_threads():
        if method == "pointwise":
            conv_pointwise.conv2d_forward(x.reshape(-1, x.shape[3]), wmat, bias,
                                          out.reshape(-1, f))
            return out
        chunk = conv_gemm.chunk_size(n, out_h * out_w, wmat.shape[0], x.itemsize)
        conv_gemm.conv2d_forward(x, wmat, bias, stride_hw[0], stride_hw[1], top, left,
                                 kernel_hw[0], kernel_hw[1], chunk, out)
    return out


def _is_pointwise(x, kernel_hw, stride_hw, geometry):
    """Whether the convolution is a 1x1, stride 1, unpadded one: a matrix product."""
    return (tuple(kernel_hw) == (1, 1) and tuple(stride_hw) == (1, 1)
            and tuple(geometry) == (x.shape[1], x.shape[2], 0, 0))


def conv2d_backward(dy, x, wmat, kernel_hw, stride_hw, geometry, need_dx=True,
                    dwmat=None, dbias=None, method=None):
    """Gradients ``(dx, dwmat, dbias)``; ``dx`` is None unless ``need_dx``.

    ``dwmat`` and ``dbias`` are filled in place when given.
    ``method``: ``"gemm"`` (im2col + BLAS), ``"single_channel"`` (one-channel inputs,
    stride 1, no ``dx``: a first layer on grey images), ``"pointwise"`` (see
    :func:`conv2d`) or None (the latter two where they apply).
    """
    _, _, top, left = geometry
    dx = np.empty_like(x) if need_dx else np.empty((1, 1, 1, 1), dtype=x.dtype)
    dwmat = np.empty_like(wmat) if dwmat is None else dwmat
    dbias = np.empty(wmat.shape[1], dtype=x.dtype) if dbias is None else dbias
    dy = np.ascontiguousarray(dy)
    if method is None and _is_pointwise(x, kernel_hw, stride_hw, geometry):
        method = "pointwise"
    if method == "pointwise":
        with kernel_threads():
            conv_pointwise.conv2d_backward(x.reshape(-1, x.shape[3]), dy.reshape(-1, dy.shape[3]),
                                           wmat, need_dx, dx.reshape(-1, dx.shape[3]), dwmat,
                                           dbias)
        return (dx if need_dx else None), dwmat, dbias
    positions = dy.shape[1] * dy.shape[2]
    if method is None:
        single = x.shape[3] == 1 and tuple(stride_hw) == (1, 1) and not need_dx
        method = "single_channel" if single else "gemm"
    with kernel_threads():
        if method == "single_channel":
            # Longer GEMM reductions pay here: chunks of 4x the usual unfolded size.
            chunk = min(x.shape[0], 4 * conv_gemm.chunk_size(x.shape[0], positions,
                                                              wmat.shape[0], x.itemsize))
            conv_gemm.conv2d_weight_grad_single_channel(x, dy, top, left, kernel_hw[0],
                                                        kernel_hw[1], chunk, dwmat, dbias)
        else:
            chunk = conv_gemm.chunk_size(x.shape[0], positions, wmat.shape[0], x.itemsize)
            conv_gemm.conv2d_backward(dy, x, wmat, stride_hw[0], stride_hw[1], top, left,
                                      kernel_hw[0], kernel_hw[1], chunk, need_dx, dx, dwmat,
                                      dbias)
    return (dx if need_dx else None), dwmat, dbias
