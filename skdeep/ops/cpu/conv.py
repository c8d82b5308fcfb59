"""Convolution on the CPU in channels-last layout: allocate outputs, pick a kernel, run it.

Layers call these functions on (N, H, W, C) arrays; :mod:`skdeep.ops` wraps them for NCHW
callers. Weights are a matrix (KH * KW * C, F) with rows ordered (kh, kw, c). The kernels
(:mod:`.conv_gemm`) unfold chunks of images (im2col) and multiply with BLAS; a pointwise
(1x1) convolution is a single matrix product; layers with few filters run without
unfolding (:mod:`.conv_direct`).
"""

import numpy as np

from . import conv_direct, conv_gemm, conv_pointwise
from .threads import kernel_threads


def conv2d(x, wmat, bias, kernel_hw, stride_hw, geometry, method=None):
    """Convolution of ``x`` (N, H, W, C); ``geometry`` is :func:`conv_geometry`'s result.

    ``method`` is ``"gemm"`` (im2col + BLAS), ``"pointwise"`` (a 1x1 convolution with
    stride 1 and no padding: one matrix product of the maps' rows of channels, no
    unfolding), ``"direct"`` (up to 8, 16 or 32 filters, see :mod:`.conv_direct`) or
    None (pointwise or direct where they apply, else gemm).
    """
    out_h, out_w, top, left = geometry
    n, f = x.shape[0], wmat.shape[1]
    out = np.empty((n, out_h, out_w, f), dtype=x.dtype)
    if method is None:
        method = _forward_method(x, wmat, kernel_hw, stride_hw, geometry)
    with kernel_threads():
        if method == "pointwise":
            conv_pointwise.conv2d_forward(x.reshape(-1, x.shape[3]), wmat, bias,
                                          out.reshape(-1, f))
            return out
        if method == "direct":
            conv_direct.conv2d_forward(x, wmat, bias, stride_hw[0], stride_hw[1], top, left,
                                       kernel_hw[0], kernel_hw[1], out)
            return out
        chunk = conv_gemm.chunk_size(n, out_h * out_w, wmat.shape[0], x.itemsize)
        conv_gemm.conv2d_forward(x, wmat, bias, stride_hw[0], stride_hw[1], top, left,
                                 kernel_hw[0], kernel_hw[1], chunk, out)
    return out


def _forward_method(x, wmat, kernel_hw, stride_hw, geometry):
    if _is_pointwise(x, kernel_hw, stride_hw, geometry):
        return "pointwise"
    return "direct" if conv_direct.applies(wmat.shape[1], geometry[1]) else "gemm"


def _is_pointwise(x, kernel_hw, stride_hw, geometry):
    """Whether the convolution is a 1x1, stride 1, unpadded one: a matrix product."""
    return (tuple(kernel_hw) == (1, 1) and tuple(stride_hw) == (1, 1)
            and tuple(geometry) == (x.shape[1], x.shape[2], 0, 0))


def conv2d_backward(dy, x, wmat, kernel_hw, stride_hw, geometry, need_dx=True,
                    dwmat=None, dbias=None, method=None):
    """Gradients ``(dx, dwmat, dbias)``; ``dx`` is None unless ``need_dx``.

    ``dwmat`` and ``dbias`` are filled in place when given.
    ``method``: ``"gemm"`` (im2col + BLAS; ``dx`` by folding the unfolded gradient back,
    col2im), ``"transposed"`` (stride 1: the weight gradient as ``"gemm"``, ``dx`` as a
    convolution of ``dy``, see :func:`_input_gradient_as_conv`), ``"direct"`` (see
    :mod:`.conv_direct`: the weight gradient without unfolding, ``dx`` as a direct
    convolution of ``dy`` at stride 1 into as many channels as the direct kernels take,
    else by col2im alone), ``"pointwise"`` (see :func:`conv2d`) or None (pointwise or
    direct where they apply, transposed for stride 1 with fewer output than input
    channels, else gemm).
    """
    _, _, top, left = geometry
    dwmat = np.empty_like(wmat) if dwmat is None else dwmat
    dbias = np.empty(wmat.shape[1], dtype=x.dtype) if dbias is None else dbias
    dy = np.ascontiguousarray(dy)
    if method is None:
        method = _backward_method(x, wmat, kernel_hw, stride_hw, geometry, need_dx)
    if method == "direct":
        with kernel_threads():
            conv_direct.weight_gradient(dy, x, stride_hw[0], stride_hw[1], top, left,
                                        kernel_hw[0], kernel_hw[1], dwmat, dbias)
        return _direct_input_gradient(dy, wmat, kernel_hw, stride_hw, x.shape, geometry,
                                      need_dx), dwmat, dbias
    if method == "transposed":
        conv2d_backward(dy, x, wmat, kernel_hw, stride_hw, geometry, False, dwmat, dbias,
                        method="gemm")
        dx = _input_gradient_as_conv(dy, wmat, kernel_hw, x.shape, geometry) if need_dx else None
        return dx, dwmat, dbias
    dx = np.empty_like(x) if need_dx else np.empty((1, 1, 1, 1), dtype=x.dtype)
    with kernel_threads():
        if method == "pointwise":
            conv_pointwise.conv2d_backward(x.reshape(-1, x.shape[3]), dy.reshape(-1, dy.shape[3]),
                                           wmat, need_dx, dx.reshape(-1, dx.shape[3]), dwmat,
                                           dbias)
        else:
            chunk = conv_gemm.chunk_size(x.shape[0], dy.shape[1] * dy.shape[2], wmat.shape[0],
                                         x.itemsize)
            conv_gemm.conv2d_backward(dy, x, wmat, stride_hw[0], stride_hw[1], top, left,
                                      kernel_hw[0], kernel_hw[1], chunk, need_dx, dx, dwmat,
                                      dbias)
    return (dx if need_dx else None), dwmat, dbias


def _backward_method(x, wmat, kernel_hw, stride_hw, geometry, need_dx):
    if _is_pointwise(x, kernel_hw, stride_hw, geometry):
        return "pointwise"
    if conv_direct.applies(wmat.shape[1], geometry[1]):
        return "direct"
    if tuple(stride_hw) == (1, 1) and need_dx and wmat.shape[1] < x.shape[3]:
        # The col2im GEMM reduces over only F values per row and folds back 9 C wide
        # rows; the convolution of dy reduces over 9 F and unfolds 9 F wide rows: 1.3-1.8x
        # faster for DenseNet's 48 -> 12 layers, no gain with F >= C (measured).
        return "transposed"
    return "gemm"


def _direct_input_gradient(dy, wmat, kernel_hw, stride_hw, x_shape, geometry, need_dx):
    """``dx`` for the ``"direct"`` method (None unless ``need_dx``): at stride 1, into as
    many channels as :func:`.conv_direct.applies` takes, a direct convolution of ``dy``;
    else the unfolded gradient folded back (col2im; as a convolution through im2col it
    was slower: LeNet's 6 -> 16 layer took 2.8 against 2.3 ms a batch)."""
    if not need_dx:
        return None
    if tuple(stride_hw) == (1, 1) and conv_direct.applies(x_shape[3], x_shape[2]):
        return _input_gradient_as_conv(dy, wmat, kernel_hw, x_shape, geometry)
    dx = np.empty(x_shape, dtype=dy.dtype)
    _, _, top, left = geometry
    with kernel_threads():
        chunk = conv_gemm.chunk_size(x_shape[0], dy.shape[1] * dy.shape[2], wmat.shape[0],
                                     dy.itemsize)
        conv_gemm.conv2d_input_gradient(dy, wmat, x_shape, stride_hw[0], stride_hw[1], top,
                                        left, kernel_hw[0], kernel_hw[1], chunk, dx)
    return dx


def _input_gradient_as_conv(dy, wmat, kernel_hw, x_shape, geometry):
    """The input gradient of a stride-1 convolution, as a convolution of ``dy``.

    ``dx[h] = sum_kh dy[h + top - kh] w[kh]``: a stride-1 convolution of ``dy`` padded by
    ``KH - 1 - top`` (``KW - 1 - left``) with the kernel flipped in both directions and
    its input and output channels swapped.
    """
    (kernel_h, kernel_w), channels, filters = kernel_hw, x_shape[3], wmat.shape[1]
    _, _, top, left = geometry
    flipped = wmat.reshape(kernel_h, kernel_w, channels, filters)[::-1, ::-1]
    flipped = np.ascontiguousarray(flipped.transpose(0, 1, 3, 2)).reshape(-1, channels)
    geometry = (x_shape[1], x_shape[2], kernel_h - 1 - top, kernel_w - 1 - left)
    method = "direct" if conv_direct.applies(channels, x_shape[2]) else "gemm"
    return conv2d(dy, flipped, np.zeros(channels, dtype=dy.dtype), kernel_hw, (1, 1), geometry,
                  method=method)
