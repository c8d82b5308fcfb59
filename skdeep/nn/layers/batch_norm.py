"""Batch normalization over the feature (channel) axis."""

import numpy as np

from .base import Layer, ParamSpec


class BatchNorm(Layer):
    """Normalizes each feature (axis 1) with batch statistics, then scales and shifts.

    While training: ``y = gamma * (x - mean) / sqrt(var + eps) + beta`` with the mean and
    (biased) variance of the batch over every axis but 1, each sample weighted by its
    ``ctx.sample_fraction``; running averages of both are kept with ``momentum``. At
    predict time the running averages replace the batch statistics. Shape unchanged.

    Parameters
    ----------
    n_features : int
        Size of axis 1 (units of a dense layer, channels of a conv layer).
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

    def _broadcast(self, v, ndim):
        return v.reshape((1, -1) + (1,) * (ndim - 2))

    def _weights(self, x, fraction):
        """Per-element weights that sum to one over each feature's reduction axes."""
        per_position = 1.0 / (x.size // (x.shape[0] * x.shape[1]))
        if fraction is None:
            fraction = np.full(x.shape[0], 1.0 / x.shape[0])
        shape = (-1,) + (1,) * (x.ndim - 1)
        return (fraction * per_position).astype(x.dtype).reshape(shape)

    def _weighted_sum(self, v, weights):
        axes = (0,) + tuple(range(2, v.ndim))
        return np.sum(v * weights, axis=axes)

    def forward(self, x, ctx):
        if self.running_mean is None:
            self.running_mean = np.zeros(self.n_features, dtype=x.dtype)
            self.running_var = np.ones(self.n_features, dtype=x.dtype)
        if not ctx.training:
            inv_std = 1.0 / np.sqrt(self.running_var + self.eps)
            scale = self._broadcast(self.gamma * inv_std, x.ndim)
            shift = self._broadcast(self.beta - self.running_mean * self.gamma * inv_std, x.ndim)
            return x * scale + shift
        weights = self._weights(x, ctx.sample_fraction)
        mean = self._weighted_sum(x, weights)
        centered = x - self._broadcast(mean, x.ndim)
        var = self._weighted_sum(centered * centered, weights)
        inv_std = (1.0 / np.sqrt(var + self.eps)).astype(x.dtype)
        x_hat = centered * self._broadcast(inv_std, x.ndim)
        self.running_mean += self.momentum * (mean - self.running_mean)
        self.running_var += self.momentum * (var - self.running_var)
        self._x_hat, self._inv_std, self._elem_weights = x_hat, inv_std, weights
        return x_hat * self._broadcast(self.gamma, x.ndim) + self._broadcast(self.beta, x.ndim)

    def backward(self, dy):
        axes = (0,) + tuple(range(2, dy.ndim))
        x_hat, ndim = self._x_hat, dy.ndim
        np.sum(dy * x_hat, axis=axes, out=self.dgamma)
        np.sum(dy, axis=axes, out=self.dbeta)
        dx_hat = dy * self._broadcast(self.gamma, ndim)
        sum_dx_hat = np.sum(dx_hat, axis=axes)
        sum_dx_hat_x_hat = np.sum(dx_hat * x_hat, axis=axes)
        w = self._elem_weights
        dx = dx_hat - w * (
            self._broadcast(sum_dx_hat, ndim) + x_hat * self._broadcast(sum_dx_hat_x_hat, ndim)
        )
        return dx * self._broadcast(self._inv_std, ndim)
