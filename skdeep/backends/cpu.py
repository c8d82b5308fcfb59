"""The CPU backend: NumPy arrays, BLAS products and the Numba kernels of :mod:`skdeep.ops`.

Layers, losses and optimizers never touch arrays directly: they call their backend, this
one or :class:`skdeep.backends.cuda.CUDABackend`, which has the same methods over device
arrays. Image tensors are channels-last (N, H, W, C).
"""

import contextlib

import numpy as np

from ..nn.activations import ACTIVATIONS
from ..nn.losses import LOSSES
from ..nn.masks import keep_mask
from ..nn.regularization import add_penalty_gradient, clip_gradient, penalty_value
from ..ops import _cpu
from . import _cpu_optimizers as optimizers


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


class _NoWorkspace:
    def step(self):
        return contextlib.nullcontext()


_NO_WORKSPACE = _NoWorkspace()


class CPUBackend:
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

    def zeros(self, shape, dtype):
        return np.zeros(shape, dtype)

    def copy(self, a):
        return a.copy()

    def copy_into(self, out, a):
        out[...] = a

    def take_rows(self, a, order):
        return a[order]

    def is_finite(self, a):
        return bool(np.isfinite(a).all())

    def loss_total(self):
        return HostLossTotal()

    def workspace(self):
        """NumPy allocates fast: no reuse of buffers between steps on the CPU."""
        return _NO_WORKSPACE

    # -- dense layers, masks, activations --------------------------------------------------
    def dense_forward(self, x, weights, bias):
        out = x @ weights
        out += bias
        return out

    def dense_backward(self, x, dy, weights, dweights, dbias, need_dx):
        np.dot(x.T, dy, out=dweights)
        np.sum(dy, axis=0, out=dbias)
        return dy @ weights.T if need_dx else None

    def keep_mask(self, keys, stream, rate, shape, dtype):
        """:func:`skdeep.nn.masks.keep_mask`; ``keys=None`` is one row keyed 0."""
        keys = np.zeros(1, np.uint64) if keys is None else keys
        return keep_mask(keys, stream, rate, shape, dtype)

    def multiply(self, a, mask):
        """``a * mask``; ``mask`` has ``a``'s shape or one entry per (sample, channel)."""
        return a * mask

    def multiply_into(self, a, mask):
        a *= mask

    def activation(self, name, z):
        return ACTIVATIONS[name][0](z)

    def activation_backward(self, name, dy, z, a):
        return ACTIVATIONS[name][1](dy, z, a)

    def maxout(self, x, pieces):
        grouped = x.reshape(x.shape[:-1] + (-1, pieces))
        winner = np.argmax(grouped, axis=-1)
        return np.take_along_axis(grouped, winner[..., None], axis=-1)[..., 0], winner

    def maxout_backward(self, dy, winner, pieces, x_shape):
        dx = np.zeros(dy.shape + (pieces,), dtype=dy.dtype)
        np.put_along_axis(dx, winner[..., None], dy[..., None], axis=-1)
        return dx.reshape(x_shape)

    # -- batch normalization ----------------------------------------------------------------
    def batch_norm_forward(self, rows, fraction, positions, gamma, beta, eps, running_mean,
                           running_var, momentum):
        """Normalize (rows, channels) with weighted batch statistics; update the running
        averages in place; return the output and what the backward pass needs."""
        fraction = np.asarray(fraction, dtype=np.float64)
        rows = np.ascontiguousarray(rows)
        out, x_hat = np.empty_like(rows), np.empty_like(rows)
        mean, var, inv_std = _cpu.batch_norm_training(rows, fraction, positions, gamma, beta,
                                                      eps, out, x_hat)
        running_mean += (momentum * (mean - running_mean)).astype(rows.dtype)
        running_var += (momentum * (var - running_var)).astype(rows.dtype)
        return out, (x_hat, inv_std, fraction, positions)

    def batch_norm_backward(self, dy, cache, gamma, dgamma, dbeta):
        x_hat, inv_std, fraction, positions = cache
        dy = np.ascontiguousarray(dy)
        dx = np.empty_like(dy)
        _cpu.batch_norm_gradient(dy, x_hat, fraction, positions, gamma, inv_std, dx, dgamma,
                                 dbeta)
        return dx

    def batch_norm_inference(self, rows, gamma, beta, running_mean, running_var, eps):
        inv_std = 1.0 / np.sqrt(running_var + eps)
        scale = (gamma * inv_std).astype(rows.dtype)
        shift = (beta - running_mean * scale).astype(rows.dtype)
        rows = np.ascontiguousarray(rows)
        out = np.empty_like(rows)
        _cpu.batch_norm_inference(rows, scale, shift, out)
        return out

    def uniform_fraction(self, n, dtype):
        return np.full(n, 1.0 / n, dtype=dtype)

    # -- convolution, pooling, shortcuts, augmentation --------------------------------------
    def conv2d(self, x, weights, bias, kernel, stride, geometry):
        return _cpu.conv2d(np.ascontiguousarray(x), weights, bias, kernel, stride, geometry)

    def conv2d_backward(self, dy, x, weights, kernel, stride, geometry, need_dx, dweights,
                        dbias):
        dx, _, _ = _cpu.conv2d_backward(dy, np.ascontiguousarray(x), weights, kernel, stride,
                                        geometry, need_dx, dweights, dbias)
        return dx

    def max_pool2d(self, x, pool, stride, out_hw):
        return _cpu.max_pool2d(np.ascontiguousarray(x), pool, stride, out_hw)

    def pool2d_backward_from_index(self, dy, index, x_shape, pool, stride):
        return _cpu.pool2d_backward_from_index(dy, index, x_shape, dy.dtype)

    def avg_pool2d(self, x, pool, stride, out_hw):
        return _cpu.avg_pool2d(np.ascontiguousarray(x), pool, stride, out_hw)

    def avg_pool2d_backward(self, dy, pool, stride, x_shape):
        return _cpu.avg_pool2d_backward(dy, pool, stride, x_shape)

    def stochastic_pool2d_sample(self, x, keys, stream, pool, stride, out_hw):
        return _cpu.stochastic_pool2d_sample(np.ascontiguousarray(x), keys, stream, pool,
                                             stride, out_hw)

    def stochastic_pool2d_expectation(self, x, pool, stride, out_hw):
        return _cpu.stochastic_pool2d_expectation(np.ascontiguousarray(x), pool, stride, out_hw)

    def add(self, a, b):
        return a + b

    def strided_window(self, source, offset, stride, out_hw):
        """``source[:, h0::sh, w0::sw]`` cut to ``out_hw`` pixels."""
        return source[_window(offset, stride, out_hw)]

    def strided_window_backward(self, dy, source_shape, offset, stride):
        d_source = np.zeros(source_shape, dtype=dy.dtype)
        d_source[_window(offset, stride, dy.shape[1:3])] = dy
        return d_source

    def shift_flip(self, x, keys, stream, max_shift, flip):
        return _cpu.shift_flip(np.ascontiguousarray(x), keys, stream, max_shift, flip)

    # -- losses, penalties, clipping, optimizers --------------------------------------------
    def loss_and_gradient(self, name, raw, y, p):
        value, grad = LOSSES[name][0](raw, y, p)
        return value, grad.astype(raw.dtype, copy=False)

    def link(self, name, raw):
        return LOSSES[name][1](raw)

    def add_penalty(self, weights, grad, l1, l2):
        """Add the L1/L2 penalty's gradient to ``grad``; return the penalty's value."""
        add_penalty_gradient(weights, grad, l1, l2)
        return penalty_value(weights, l1, l2)

    def clip_gradient(self, grad, clip_norm, clip_value):
        clip_gradient(grad, clip_norm, clip_value)

    def scale(self, a, factor):
        a *= a.dtype.type(factor)

    sgd_step = staticmethod(optimizers.sgd_step)
    momentum_step = staticmethod(optimizers.momentum_step)
    adagrad_step = staticmethod(optimizers.adagrad_step)
    rmsprop_step = staticmethod(optimizers.rmsprop_step)
    adadelta_step = staticmethod(optimizers.adadelta_step)
    adam_step = staticmethod(optimizers.adam_step)


def _window(offset, stride, out_hw):
    (h0, w0), (sh, sw), (oh, ow) = offset, stride, out_hw
    return (slice(None), slice(h0, h0 + (oh - 1) * sh + 1, sh),
            slice(w0, w0 + (ow - 1) * sw + 1, sw))


CPU = CPUBackend()
"""The one CPU backend (it holds no state)."""
