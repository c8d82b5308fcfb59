"""Batch normalization over the feature (channel) axis."""

import numpy as np

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

    def _row_weights(self, x, fraction):
        """Weight of each row of ``x`` as (rows, features): one per sample and position."""
        positions = x.size // (x.shape[0] * self.n_features)
        if fraction is None:
            fraction = np.full(x.shape[0], 1.0 / x.shape[0])
        weights = np.repeat(np.asarray(fraction, dtype=x.dtype) / positions, positions)
        return weights.reshape(-1, 1)

    def forward(self, x, ctx):
        if self.running_mean is None:
            self.running_mean = np.zeros(self.n_features, dtype=x.dtype)
            self.running_var = np.ones(self.n_features, dtype=x.dtype)
        rows = x.reshape(-1, self.n_features)
        if not ctx.training:
            inv_std = 1.0 / np.sqrt(self.running_var + self.eps)
            scale = self.gamma * inv_std
            return (rows * scale + (self.beta - self.running_mean * scale)).reshape(x.shape)
        weights = self._row_weights(x, ctx.sample_fraction)
        mean = weights.T @ rows
        centered = rows - mean
        var = weights.T @ (centered * centered)
        inv_std = (1.0 / np.sqrt(var + self.eps)).astype(x.dtype)
        x_hat = centered * inv_std
        self.running_mean += self.momentum * (mean[0] - self.running_mean)
        self.running_var += self.momentum * (var[0] - self.running_var)
        self._x_hat, self._inv_std, self._weights = x_hat, inv_std, weights
        return (x_hat * self.gamma + self.beta).reshape(x.shape)

    def backward(self, dy):
        rows = dy.reshape(-1, self.n_features)
        x_hat = self._x_hat
        np.sum(rows * x_hat, axis=0, out=self.dgamma)
        np.sum(rows, axis=0, out=self.dbeta)
        dx_hat = rows * self.gamma
        sum_dx_hat = np.sum(dx_hat, axis=0)
        sum_dx_hat_x_hat = np.sum(dx_hat * x_hat, axis=0)
        dx = dx_hat - self._weights * (sum_dx_hat + x_hat * sum_dx_hat_x_hat)
        return (dx * self._inv_std).reshape(dy.shape)
