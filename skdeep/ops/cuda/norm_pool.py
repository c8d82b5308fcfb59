"""Batch norm followed by 2x2 max pooling (stride 2, no padding) on the GPU.

The pair :func:`skdeep.nn.network.fuse_batch_norm_max_pool` hands to the backend as one
operation. On the CPU it runs in batch norm's passes (:mod:`skdeep.ops.cpu.norm_pool`); here it
is still the two layers' kernels one after the other (the same values, without the CPU's
saving in memory traffic: no GPU has measured a fused version yet).
"""

from . import norm, pool
from .arrays import rows as channel_rows

_WINDOW = (2, 2)


def forward(x, fraction, positions, gamma, beta, eps, running_mean, running_var, momentum,
            relu=False):
    """Batch norm of the maps ``x`` (N, H, W, C; then a ReLU when ``relu``), pooled over
    2x2 windows; returns the pooled output and what :func:`backward` needs."""
    normalized, cache = norm.forward(channel_rows(x, x.shape[3]), fraction, positions, gamma,
                                     beta, eps, running_mean, running_var, momentum, relu)
    out_hw = (x.shape[1] // 2, x.shape[2] // 2)
    out, index = pool.max_pool2d(normalized.reshape(x.shape), _WINDOW, _WINDOW, out_hw, (0, 0))
    return out, (cache, index, x.shape)


def backward(dy, cache, gamma, dgamma, dbeta):
    """Gradient of :func:`forward` with respect to its maps; fills ``dgamma`` and
    ``dbeta``."""
    norm_cache, index, x_shape = cache
    routed = pool.pool2d_backward_from_index(dy, index, x_shape, _WINDOW, _WINDOW, (0, 0))
    dx = norm.backward(routed.reshape(routed.size // x_shape[3], x_shape[3]), norm_cache,
                       gamma, dgamma, dbeta)
    return dx.reshape(x_shape)
