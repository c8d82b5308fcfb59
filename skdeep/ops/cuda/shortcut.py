"""Residual shortcuts on the GPU: the sum of two maps, an array times a number, and a
strided window of the block's input (the identity shortcut of a block that changes the
spatial size) with its gradient.
"""

from numba import cuda

from .arrays import empty, flat, launch, nhwc_index


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
def _scale(a, factor, out):
    i = cuda.grid(1)
    if i < out.size:
        out[i] = a[i] * factor


def scale(a, factor):
    out = empty(a.shape, a.dtype)
    launch(_scale, a.size)(flat(a), a.dtype.type(factor), flat(out))
    return out


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
