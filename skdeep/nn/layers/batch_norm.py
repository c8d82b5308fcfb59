"""Batch normalization over the feature (channel) axis."""

import numpy as np

from ...ops import _cpu
from .base import Layer, ParamSpec


class BatchNorm(Layer):
    """Normalizes each feature (the last axis) with batch statistics, then scales and shifts.

    While training: ``y = gamma * (x - mean) / sqrt(var + eps) + beta`` with the mean and
    (biased) variance over every axis but the last (samples, and the positions of a
    channels-last feature map), each sample weighted by its ``ctx.sample_fraction``;
    running averages of both are kept with ``momentum``. At predict time the running
    averages replace the batch statistics. Shape unchanged.

    Parameters
    ----------
    n_features : int
        Size of the last axis (units of a dense layer, channels of a conv layer).
    momentum : float
        Weight of the newest batch in the running averages.
    eps : float
        Added to the variance.
    """

    buffers = ("running_mean", "running_var")

    def __init__(self, n_features, momentum=0.1, eps=1e-5):
        self.n_features = n_features
        self.momentum = momentum
        self.eps = eps
        self.running_mean = None
        self.running_var = None

    def param_specs(self):
        return [
            ParamSpec("gamma", (self.n_features,), "ones"),
            ParamSpec("beta", (self.n_features,), "zeros"),
        ]

    def forward(self, x, ctx):
        if self.running_mean is None:
            self.running_mean = np.zeros(self.n_features, dtype=x.dtype)
            self.running_var = np.ones(self.n_features, dtype=x.dtype)
        rows = np.ascontiguousarray(x).reshape(-1, self.n_features)
        out = np.empty_like(rows)
        if not ctx.training:
            inv_std = 1.0 / np.sqrt(self.running_var + self.eps)
            scale = (self.gamma * inv_std).astype(x.dtype)
            shift = (self.beta - self.running_mean * scale).astype(x.dtype)
            _cpu.batch_norm_inference(rows, scale, shift, out)
            return out.reshape(x.shape)
        fraction = ctx.sample_fraction
        if fraction is None:
            fraction = np.full(x.shape[0], 1.0 / x.shape[0])
        fraction = np.asarray(fraction, dtype=np.float64)
        positions = rows.shape[0] // x.shape[0]
        x_hat = np.empty_like(rows)
        mean, var, inv_std = _cpu.batch_norm_training(rows, fraction, positions, self.gamma,
                                                      self.beta, self.eps, out, x_hat)
        self.running_mean += (self.momentum * (mean - self.running_mean)).astype(x.dtype)
        self.running_var += (self.momentum * (var - self.running_var)).astype(x.dtype)
        self._x_hat, self._inv_std = x_hat, inv_std
        self._fraction, self._positions = fraction, positions
        return out.reshape(x.shape)

    def backward(self, dy):
        rows = np.ascontiguousarray(dy).reshape(-1, self.n_features)
        dx = np.empty_like(rows)
        _cpu.batch_norm_gradient(rows, self._x_hat, self._fraction, self._positions, self.gamma,
                                 self._inv_std, dx, self.dgamma, self.dbeta)
        return dx.reshape(dy.shape)
