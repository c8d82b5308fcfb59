"""The CUDA backend: numba-cuda device arrays and the kernels of ``skdeep.ops._cuda_*``.

The same methods as :class:`skdeep.backends.cpu.CPUBackend`. A fit on it uploads the data
once, keeps parameters, gradients, optimizer state, batch-norm statistics and masks on the
device, and reads back one number per epoch (the epoch's loss). Scalars are passed to the
kernels in the parameters' dtype, so float32 training stays in float32.
"""

import numpy as np

from ..ops import (_cuda_arrays, _cuda_conv, _cuda_dense, _cuda_elementwise, _cuda_loss,
                   _cuda_norm, _cuda_optimizers, _cuda_pool, _cuda_reduce)


class DeviceLossTotal:
    """The weighted sum of an epoch's batch losses, accumulated on the device.

    :meth:`add` returns None (nothing is read back); :meth:`mean` reads the total once.
    """

    def __init__(self):
        self.total = _cuda_arrays.full(1, 0.0, np.float64, keep=True)
        self.weight = 0.0

    def add(self, weight, *values):
        for value in values:
            if _cuda_arrays.is_device_array(value):
                _cuda_reduce.accumulate(self.total, value, weight)
        self.weight += weight
        return None

    def mean(self):
        return float(self.total.copy_to_host()[0]) / self.weight


_FRACTIONS = {}
"""Equal per-sample shares of a batch, by (batch size, dtype): made once per process."""


def _typed(a, *scalars):
    return tuple(a.dtype.type(s) for s in scalars)


class CUDABackend:
    """numba-cuda on an NVIDIA GPU (or Numba's CUDA simulator)."""

    name = "cuda"

    def __reduce__(self):
        return "CUDA"  # pickles as the module's one instance

    # -- arrays --------------------------------------------------------------------------
    def asarray(self, a, dtype=None):
        return _cuda_arrays.to_device(a, dtype)

    def to_numpy(self, a):
        return a.copy_to_host() if _cuda_arrays.is_device_array(a) else np.asarray(a)

    empty = staticmethod(_cuda_arrays.empty)
    zeros = staticmethod(_cuda_arrays.zeros)
    copy = staticmethod(_cuda_arrays.copy)
    copy_into = staticmethod(_cuda_arrays.copy_into)
    is_finite = staticmethod(_cuda_reduce.is_finite)

    def take_rows(self, a, order):
        """``a[order]``; ``order`` a device array (or NumPy array) of row indices."""
        return _cuda_elementwise.take_rows(a, _cuda_arrays.to_device(order))

    def loss_total(self):
        return DeviceLossTotal()

    def workspace(self):
        """Reused buffers for the temporaries of a fit's training steps."""
        return _cuda_arrays.Workspace()

    # -- dense layers, masks, activations --------------------------------------------------
    dense_forward = staticmethod(_cuda_dense.forward)
    dense_backward = staticmethod(_cuda_dense.backward)

    def keep_mask(self, keys, stream, rate, shape, dtype):
        if keys is None:
            keys = _cuda_arrays.zeros(1, np.uint64)
        return _cuda_elementwise.keep_mask(keys, np.uint64(stream), rate, shape, dtype)

    multiply = staticmethod(_cuda_elementwise.multiply)

    def multiply_into(self, a, mask):
        _cuda_elementwise.multiply(a, mask, out=a)

    activation = staticmethod(_cuda_elementwise.activation)
    activation_backward = staticmethod(_cuda_elementwise.activation_backward)
    maxout = staticmethod(_cuda_elementwise.maxout)
    maxout_backward = staticmethod(_cuda_elementwise.maxout_backward)

    # -- batch normalization ----------------------------------------------------------------
    batch_norm_forward = staticmethod(_cuda_norm.forward)
    batch_norm_backward = staticmethod(_cuda_norm.backward)
    batch_norm_inference = staticmethod(_cuda_norm.inference)

    def uniform_fraction(self, n, dtype):
        """``full(n, 1 / n)``: read-only, so one array per (n, dtype) serves every batch."""
        key = (n, np.dtype(dtype))
        if key not in _FRACTIONS:
            _FRACTIONS[key] = _cuda_arrays.full(n, 1.0 / n, dtype, keep=True)
        return _FRACTIONS[key]

    # -- convolution, pooling, shortcuts, augmentation --------------------------------------
    conv2d = staticmethod(_cuda_conv.conv2d)

    def conv2d_backward(self, dy, x, weights, kernel, stride, geometry, need_dx, dweights,
                        dbias):
        dx, _, _ = _cuda_conv.conv2d_backward(dy, x, weights, kernel, stride, geometry,
                                              need_dx, dweights, dbias)
        return dx

    max_pool2d = staticmethod(_cuda_pool.max_pool2d)
    pool2d_backward_from_index = staticmethod(_cuda_pool.pool2d_backward_from_index)
    avg_pool2d = staticmethod(_cuda_pool.avg_pool2d)
    avg_pool2d_backward = staticmethod(_cuda_pool.avg_pool2d_backward)
    stochastic_pool2d_expectation = staticmethod(_cuda_pool.stochastic_pool2d_expectation)

    def stochastic_pool2d_sample(self, x, keys, stream, pool, stride, out_hw):
        return _cuda_pool.stochastic_pool2d_sample(x, keys, np.uint64(stream), pool, stride,
                                                   out_hw)

    add = staticmethod(_cuda_elementwise.add)
    strided_window = staticmethod(_cuda_elementwise.strided_window)
    strided_window_backward = staticmethod(_cuda_elementwise.strided_window_backward)

    def shift_flip(self, x, keys, stream, max_shift, flip):
        return _cuda_elementwise.shift_flip(x, keys, np.uint64(stream), max_shift, flip)

    # -- losses, penalties, clipping, optimizers --------------------------------------------
    loss_and_gradient = staticmethod(_cuda_loss.loss_and_gradient)
    link = staticmethod(_cuda_loss.link)

    def add_penalty(self, weights, grad, l1, l2):
        return _cuda_reduce.penalty(weights, grad, *_typed(weights, l1, l2))

    def clip_gradient(self, grad, clip_norm, clip_value):
        _cuda_reduce.clip_gradient(grad, clip_norm, clip_value)

    def scale(self, a, factor):
        _cuda_elementwise.scale(a, *_typed(a, factor))

    def sgd_step(self, theta, grad, lr):
        _cuda_optimizers.sgd_step(theta, grad, *_typed(theta, lr))

    def momentum_step(self, theta, grad, velocity, lr, momentum, nesterov):
        _cuda_optimizers.momentum_step(theta, grad, velocity, *_typed(theta, lr, momentum),
                                       nesterov)

    def adagrad_step(self, theta, grad, sq_sum, lr, eps):
        _cuda_optimizers.adagrad_step(theta, grad, sq_sum, *_typed(theta, lr, eps))

    def rmsprop_step(self, theta, grad, sq_avg, lr, rho, eps):
        _cuda_optimizers.rmsprop_step(theta, grad, sq_avg, *_typed(theta, lr, rho, eps))

    def adadelta_step(self, theta, grad, sq_avg, delta_avg, lr, rho, eps):
        _cuda_optimizers.adadelta_step(theta, grad, sq_avg, delta_avg,
                                       *_typed(theta, lr, rho, eps))

    def adam_step(self, theta, grad, m, v, step_size, beta_1, beta_2, eps_hat):
        _cuda_optimizers.adam_step(theta, grad, m, v,
                                   *_typed(theta, step_size, beta_1, beta_2, eps_hat))


CUDA = CUDABackend()
"""The one CUDA backend (it holds no state; arrays belong to networks and optimizers)."""
