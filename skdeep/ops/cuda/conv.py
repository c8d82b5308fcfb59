"""2-D convolution on the GPU over channels-last (N, H, W, C) device arrays.

Forward and weight gradient are implicit GEMMs (:mod:`skdeep.ops.cuda.gemm`) reading
im2col(x) through a loader. The input gradient of a stride-1 convolution is one too: a
convolution of ``dy`` with the weights turned around (flipped taps, input and output
channels swapped), padded by ``KH - 1 - top``. With a larger stride it is ``dy @ W.T``
(the gradient of every patch) followed by a gather that sums, for each input pixel, the
patches that cover it: each thread writes one element of ``dx``, so no atomics are
needed. Weights are the (KH * KW * C, F) matrix the CPU backend uses.
"""

from numba import cuda

from . import gemm
from .arrays import empty, launch, nhwc_index


def _loader_geometry(kernel_hw, stride_hw, geometry):
    out_h, out_w, top, left = geometry
    return gemm.PatchGeometry(out_h, out_w, kernel_hw[0], kernel_hw[1], stride_hw[0],
                              stride_hw[1], top, left)


def conv2d(x, wmat, bias, kernel_hw, stride_hw, geometry):
    """``y = conv(x, W) + b``: (N, H, W, C) -> (N, OH, OW, F)."""
    n, f = x.shape[0], wmat.shape[1]
    out_h, out_w, _, _ = geometry
    out = empty((n, out_h, out_w, f), x.dtype)
    rows = n * out_h * out_w
    gemm.gemm(gemm.load_patches, x, gemm.load_rows, wmat, out.reshape(rows, f), rows, f,
              wmat.shape[0], _loader_geometry(kernel_hw, stride_hw, geometry), bias)
    return out


def conv2d_backward(dy, x, wmat, kernel_hw, stride_hw, geometry, need_dx=True,
                    dwmat=None, dbias=None):
    """Gradients ``(dx, dwmat, dbias)`` (``dx`` None unless ``need_dx``); ``dwmat`` and
    ``dbias`` are filled in place when given."""
    taps, f = wmat.shape
    rows = dy.shape[0] * dy.shape[1] * dy.shape[2]
    dy_rows = dy.reshape(rows, f)
    geo = _loader_geometry(kernel_hw, stride_hw, geometry)
    dwmat = empty(wmat.shape, x.dtype) if dwmat is None else dwmat
    dbias = empty((f,), x.dtype) if dbias is None else dbias
    partials = gemm.gemm_split_k(gemm.load_patches_transposed_ones, x, gemm.load_rows,
                                 dy_rows, taps + 1, f, rows, geo, x.dtype)
    gemm.sum_partials(partials, dwmat, dbias)
    if not need_dx:
        return None, dwmat, dbias
    if tuple(stride_hw) == (1, 1):
        return _input_gradient_stride_1(dy, x, wmat, kernel_hw, geometry), dwmat, dbias
    patch_grads = empty((rows, taps), x.dtype)
    gemm.gemm(gemm.load_rows, dy_rows, gemm.load_transposed, wmat, patch_grads, rows, taps, f)
    dx = empty(x.shape, x.dtype)
    launch(_fold_patches, dx.size)(patch_grads, geo, dx)
    return dx, dwmat, dbias


def _input_gradient_stride_1(dy, x, wmat, kernel_hw, geometry):
    """``dx`` as the implicit-GEMM convolution of ``dy`` with the turned-around weights."""
    n, height, width, channels = x.shape
    (kernel_h, kernel_w), (_, _, top, left) = kernel_hw, geometry
    geo = gemm.PatchGeometry(height, width, kernel_h, kernel_w, 1, 1, kernel_h - 1 - top,
                             kernel_w - 1 - left)
    dx = empty(x.shape, x.dtype)
    rows = n * height * width
    gemm.gemm(gemm.load_patches, dy, gemm.load_flipped_weights, wmat,
              dx.reshape(rows, channels), rows, channels, kernel_h * kernel_w * wmat.shape[1],
              geo)
    return dx


@cuda.jit
def _fold_patches(patch_grads, geo, dx):
    """``dx[n, h, w, c]``: the sum of the patch gradients of every tap that reads it."""
    out_h, out_w, kernel_h, kernel_w, stride_h, stride_w, top, left = geo
    channels = dx.shape[3]
    i = cuda.grid(1)
    if i >= dx.size:
        return
    n, h, w, c = nhwc_index(i, dx)
    total = 0.0
    for kh in range(kernel_h):
        th = h + top - kh
        if th < 0 or th % stride_h != 0:
            continue
        oh = th // stride_h
        if oh >= out_h:
            continue
        for kw in range(kernel_w):
            tw = w + left - kw
            if tw < 0 or tw % stride_w != 0:
                continue
            ow = tw // stride_w
            if ow >= out_w:
                continue
            row = (n * out_h + oh) * out_w + ow
            total += patch_grads[row, (kh * kernel_w + kw) * channels + c]
    dx[n, h, w, c] = total
