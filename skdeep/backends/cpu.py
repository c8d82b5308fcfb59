"""The CPU backend: NumPy arrays, BLAS products and the Numba kernels of
:mod:`skdeep.ops.cpu`."""

import contextlib

import numpy as np

from ..ops.cpu import (
    activations,
    augment,
    concat,
    conv,
    dense,
    flat,
    losses,
    masks,
    norm,
    norm_pool,
    optimizers,
    reduce,
    shortcut,
    threads,
)
from ..ops.cpu import pool as cpu_pool
from .base import Backend


class HostLossTotal:
    """The weighted sum of batch losses over an epoch, on the host.

    :meth:`add` returns each batch's loss at once, so a diverging fit stops at the first
    non-finite batch.
    """

    def __init__(self):
        self.total = 0.0
        self.weight = 0.0

    def add(self, weight, *values):
        value = float(sum(values))
        self.total += value * weight
        self.weight += weight
        return value

    def mean(self):
        return self.total / self.weight

    def sum(self):
        return self.total


class _NoWorkspace:
    def step(self):
        return contextlib.nullcontext()


_NO_WORKSPACE = _NoWorkspace()


class CPUBackend(Backend):
    """NumPy + Numba on the host."""

    name = "cpu"

    def __reduce__(self):
        return "CPU"  # pickles as the module's one instance

    # -- arrays --------------------------------------------------------------------------
    def asarray(self, a, dtype=None):
        return np.asarray(a, dtype=dtype)

    def to_numpy(self, a):
        return a

    def empty(self, shape, dtype):
        return np.empty(shape, dtype)

    def zeros(self, shape, dtype, slot=None):
        return np.zeros(shape, dtype) if slot is None else flat.placed_zeros(shape, dtype, slot)

    def copy(self, a):
        return a.copy()

    def copy_into(self, out, a):
        out[...] = a

    reorders_whole_epoch = False  # a second copy of X would double a fit's memory

    def take_rows(self, a, order):
        return a[order]

    is_finite = staticmethod(reduce.is_finite)

    def uniform_fraction(self, n, dtype):
        return np.full(n, 1.0 / n, dtype=dtype)

    row_keys = staticmethod(masks.row_keys)

    # -- a fit's resources -----------------------------------------------------------------
    def loss_total(self):
        return HostLossTotal()

    def workspace(self):
        """NumPy allocates fast: no reuse of buffers between steps on the CPU."""
        return _NO_WORKSPACE

    def compute_context(self, convolutional):
        """For image networks, BLAS single-threaded while Numba's parallel kernels own the
        cores (:func:`skdeep.ops.cpu.threads.kernel_threads`); dense networks leave the
        cores to BLAS (their batch norm then runs serial kernels)."""
        return threads.kernel_threads() if convolutional else contextlib.nullcontext()

    # -- dense layers, masks, activations --------------------------------------------------
    dense_forward = staticmethod(dense.forward)
    dense_backward = staticmethod(dense.backward)

    def keep_mask(self, keys, stream, rate, shape, dtype):
        keys = np.zeros(1, np.uint64) if keys is None else keys
        return masks.keep_mask(keys, stream, rate, shape, dtype)

    multiply = staticmethod(masks.multiply)

    def multiply_into(self, a, mask):
        masks.multiply(a, mask, out=a)

    activation = staticmethod(activations.activation)
    activation_backward = staticmethod(activations.activation_backward)
    maxout = staticmethod(activations.maxout)
    maxout_backward = staticmethod(activations.maxout_backward)

    # -- batch normalization ---------------------------------------------------------------
    batch_norm_forward = staticmethod(norm.forward)
    batch_norm_backward = staticmethod(norm.backward)
    batch_norm_inference = staticmethod(norm.inference)
    batch_norm_max_pool_forward = staticmethod(norm_pool.forward)
    batch_norm_max_pool_backward = staticmethod(norm_pool.backward)

    # -- convolution, pooling, shortcuts, augmentation -------------------------------------
    def conv2d(self, x, weights, bias, kernel, stride, geometry):
        return conv.conv2d(np.ascontiguousarray(x), weights, bias, kernel, stride, geometry)

    def conv2d_backward(self, dy, x, weights, kernel, stride, geometry, need_dx, dweights,
                        dbias):
        dx, _, _ = conv.conv2d_backward(dy, np.ascontiguousarray(x), weights, kernel, stride,
                                        geometry, need_dx, dweights, dbias)
        return dx

    def max_pool2d(self, x, pool, stride, out_hw, pad=(0, 0)):
        return cpu_pool.max_pool2d(np.ascontiguousarray(x), pool, stride, out_hw, pad)

    def pool2d_backward_from_index(self, dy, index, x_shape, pool, stride, pad=(0, 0)):
        return cpu_pool.pool2d_backward_from_index(dy, index, x_shape, dy.dtype)

    def avg_pool2d(self, x, pool, stride, out_hw, pad=(0, 0)):
        return cpu_pool.avg_pool2d(np.ascontiguousarray(x), pool, stride, out_hw, pad)

    def avg_pool2d_backward(self, dy, pool, stride, x_shape, pad=(0, 0)):
        return cpu_pool.avg_pool2d_backward(dy, pool, stride, x_shape, pad)

    def stochastic_pool2d_sample(self, x, keys, stream, pool, stride, out_hw, pad=(0, 0)):
        return cpu_pool.stochastic_pool2d_sample(np.ascontiguousarray(x), keys, stream, pool,
                                                 stride, out_hw, pad)

    def stochastic_pool2d_expectation(self, x, pool, stride, out_hw, pad=(0, 0)):
        return cpu_pool.stochastic_pool2d_expectation(np.ascontiguousarray(x), pool, stride,
                                                      out_hw, pad)

    add = staticmethod(shortcut.add)
    scale = staticmethod(shortcut.scale)
    concat_channels = staticmethod(concat.concat_channels)
    split_channels = staticmethod(concat.split_channels)
    write_channels = staticmethod(concat.write_channels)
    take_channels = staticmethod(concat.take_channels)
    add_into = staticmethod(concat.add_into)
    dual_path_merge = staticmethod(concat.dual_path_merge)
    dual_path_gradients = staticmethod(concat.dual_path_gradients)

    def rows(self, x, width):
        return x.reshape(-1, width)  # a view for a channel slice of a contiguous array
    strided_window = staticmethod(shortcut.strided_window)
    strided_window_backward = staticmethod(shortcut.strided_window_backward)

    def shift_flip(self, x, keys, stream, max_shift, flip):
        return augment.shift_flip(np.ascontiguousarray(x), keys, stream, max_shift, flip)

    # -- losses, penalties, clipping, optimizers -------------------------------------------
    loss_and_gradient = staticmethod(losses.loss_and_gradient)
    link = staticmethod(losses.link)
    add_penalty = staticmethod(reduce.penalty)
    clip_gradient = staticmethod(reduce.clip_gradient)
    updates = optimizers


CPU = CPUBackend()
"""The one CPU backend (it holds no state)."""
