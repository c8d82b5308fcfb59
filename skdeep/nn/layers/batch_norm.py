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
    applies_relu = False
    """Set by :func:`skdeep.nn.network.fuse_batch_norm_relu` when a ReLU layer follows:
    this layer then applies it too (in the same passes over memory) and the ReLU layer
    passes its input through."""

    pools = False
    """Set by :func:`skdeep.nn.network.fuse_batch_norm_max_pool` when a 2x2 max pooling
    layer follows (directly, or after the ReLU this layer applies): this layer then pools
    too, in the same passes over memory, and returns the pooled maps; the pooling layer
    passes its input through."""

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
        backend = self.backend
        if self.running_mean is None:
            self.running_mean = backend.asarray(np.zeros(self.n_features, dtype=x.dtype))
            self.running_var = backend.asarray(np.ones(self.n_features, dtype=x.dtype))
        rows = backend.rows(x, self.n_features)  # x may be a channel slice (a dense block)
        if not ctx.training or self.frozen:  # frozen: the statistics it learned
            out = backend.batch_norm_inference(rows, self.gamma, self.beta, self.running_mean,
                                               self.running_var, self.eps, self.applies_relu)
            out = out.reshape(x.shape)
            if self.pools:
                out, _ = backend.max_pool2d(out, (2, 2), (2, 2), _pooled_hw(x), (0, 0))
            return out
        fraction = ctx.sample_fraction
        if fraction is None:
            fraction = backend.uniform_fraction(x.shape[0], np.float64)
        positions = rows.shape[0] // x.shape[0]
        if self.pools:
            out, self._cache = backend.batch_norm_max_pool_forward(
                x, fraction, positions, self.gamma, self.beta, self.eps, self.running_mean,
                self.running_var, self.momentum, self.applies_relu)
            return out
        out, self._cache = backend.batch_norm_forward(
            rows, fraction, positions, self.gamma, self.beta, self.eps, self.running_mean,
            self.running_var, self.momentum, self.applies_relu)
        return out.reshape(x.shape)

    def backward(self, dy):
        if self.pools:
            return self.backend.batch_norm_max_pool_backward(dy, self._cache, self.gamma,
                                                             self.dgamma, self.dbeta)
        rows = dy.reshape(-1, self.n_features)
        dx = self.backend.batch_norm_backward(rows, self._cache, self.gamma, self.dgamma,
                                              self.dbeta)
        return dx.reshape(dy.shape)


def _pooled_hw(x):
    return (x.shape[1] // 2, x.shape[2] // 2)
