"""The CUDA backend: numba-cuda device arrays and the kernels of :mod:`skdeep.ops.cuda`.

A fit on it uploads the data once, keeps parameters, gradients, optimizer state,
batch-norm statistics and masks on the device, and reads back one number per epoch (the
epoch's loss). Scalars reach the kernels in the parameters' dtype, so float32 training
stays in float32.
"""

import contextlib

import numpy as np

from ..ops.cpu import masks as cpu_masks
from ..ops.cuda import (
    activations,
    arrays,
    augment,
    concat,
    conv,
    dense,
    losses,
    masks,
    norm,
    norm_pool,
    optimizers,
    pool,
    reduce,
    shortcut,
)
from .base import Backend


class DeviceLossTotal:
    """The weighted sum of an epoch's batch losses, accumulated on the device.

    :meth:`add` returns None (nothing is read back); :meth:`mean` reads the total once.
    """

    def __init__(self):
        self.total = arrays.full(1, 0.0, np.float64, keep=True)
        self.weight = 0.0

    def add(self, weight, *values):
        for value in values:
            if arrays.is_device_array(value):
                reduce.accumulate(self.total, value, weight)
        self.weight += weight
        return None

    def mean(self):
        return self.sum() / self.weight

    def sum(self):
        return float(self.total.copy_to_host()[0])


_FRACTIONS = {}
"""Equal per-sample shares of a batch, by (batch size, dtype): made once per process."""


class CUDABackend(Backend):
    """numba-cuda on an NVIDIA GPU (or Numba's CUDA simulator)."""

    name = "cuda"

    def __reduce__(self):
        return "CUDA"  # pickles as the module's one instance

    # -- arrays --------------------------------------------------------------------------
    def asarray(self, a, dtype=None):
        return arrays.to_device(a, dtype)

    def to_numpy(self, a):
        return a.copy_to_host() if arrays.is_device_array(a) else np.asarray(a)

    empty = staticmethod(arrays.empty)
    @staticmethod
    def zeros(shape, dtype, slot=None):
        return arrays.zeros(shape, dtype)  # device memory has no 4K aliasing to avoid
    copy = staticmethod(arrays.copy)
    copy_into = staticmethod(arrays.copy_into)
    is_finite = staticmethod(reduce.is_finite)

    def take_rows(self, a, order):
        """``a[order]``; ``order`` a device array (or NumPy array) of row indices."""
        return arrays.take_rows(a, arrays.to_device(order))

    def uniform_fraction(self, n, dtype):
        """``full(n, 1 / n)``: read-only, so one array per (n, dtype) serves every batch."""
        key = (n, np.dtype(dtype))
        if key not in _FRACTIONS:
            _FRACTIONS[key] = arrays.full(n, 1.0 / n, dtype, keep=True)
        return _FRACTIONS[key]

    def row_keys(self, X, seed):
        """Hashed on the host (where X is), uploaded once."""
        return arrays.to_device(cpu_masks.row_keys(X, seed))

    # -- a fit's resources -----------------------------------------------------------------
    def loss_total(self):
        return DeviceLossTotal()

    def workspace(self):
        """Reused buffers for the temporaries of a fit's training steps."""
        return arrays.Workspace()

    def compute_context(self, convolutional):
        return contextlib.nullcontext()

    # -- dense layers, masks, activations --------------------------------------------------
    dense_forward = staticmethod(dense.forward)
    dense_backward = staticmethod(dense.backward)
    keep_mask = staticmethod(masks.keep_mask)
    multiply = staticmethod(masks.multiply)
    multiply_into = staticmethod(masks.multiply_into)
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
    conv2d = staticmethod(conv.conv2d)

    def conv2d_backward(self, dy, x, weights, kernel, stride, geometry, need_dx, dweights,
                        dbias):
        dx, _, _ = conv.conv2d_backward(dy, x, weights, kernel, stride, geometry, need_dx,
                                        dweights, dbias)
        return dx

    max_pool2d = staticmethod(pool.max_pool2d)
    pool2d_backward_from_index = staticmethod(pool.pool2d_backward_from_index)
    avg_pool2d = staticmethod(pool.avg_pool2d)
    avg_pool2d_backward = staticmethod(pool.avg_pool2d_backward)
    stochastic_pool2d_sample = staticmethod(pool.stochastic_pool2d_sample)
    stochastic_pool2d_expectation = staticmethod(pool.stochastic_pool2d_expectation)
    add = staticmethod(shortcut.add)
    scale = staticmethod(shortcut.scale)
    concat_channels = staticmethod(concat.concat_channels)
    split_channels = staticmethod(concat.split_channels)
    write_channels = staticmethod(concat.write_channels)
    take_channels = staticmethod(concat.take_channels)
    add_into = staticmethod(concat.add_into)
    dual_path_merge = staticmethod(concat.dual_path_merge)
    dual_path_gradients = staticmethod(concat.dual_path_gradients)
    rows = staticmethod(arrays.rows)
    strided_window = staticmethod(shortcut.strided_window)
    strided_window_backward = staticmethod(shortcut.strided_window_backward)
    shift_flip = staticmethod(augment.shift_flip)

    # -- losses, penalties, clipping, optimizers -------------------------------------------
    loss_and_gradient = staticmethod(losses.loss_and_gradient)
    link = staticmethod(losses.link)
    add_penalty = staticmethod(reduce.penalty)
    clip_gradient = staticmethod(reduce.clip_gradient)
    updates = optimizers


CUDA = CUDABackend()
"""The one CUDA backend (it holds no state; arrays belong to networks and optimizers)."""
