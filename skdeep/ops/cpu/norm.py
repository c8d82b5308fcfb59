"""Batch normalization on the CPU: Numba kernels over rows of a (rows, channels) array.

Each kernel comes twice, from one inlined body: a parallel version (``prange`` loops) for
when Numba owns the cores (inside :func:`skdeep.ops.cpu.threads.kernel_threads`, as during a
CNN fit) and a serial one for when BLAS does (an MLP fit, whose matrix products use every
core; running a parallel region between them made MLP fits with batch norm 25x slower).

Rows are samples (dense layers) or the pixels of channels-last feature maps: row ``r``
belongs to sample ``r // positions`` and carries that sample's weight ``fraction[n] /
positions``. Reductions over rows sum fixed blocks of rows in parallel (float64 partial
sums) and then the blocks in order, so results do not depend on the number of threads.
"""

import numpy as np
from numba import njit, prange

from .threads import numba_owns_cores

_BLOCK_ROWS = 2048


@njit(inline="always")
def _forward(x, fraction, positions, gamma, beta, eps, out, x_hat):
    n_rows, channels = x.shape
    n_blocks = (n_rows + _BLOCK_ROWS - 1) // _BLOCK_ROWS
    # One pass over x: weighted sums of d = x - shift and d^2 in float64, shifted by the
    # first row so that var = E[d^2] - E[d]^2 does not cancel when |mean| >> std.
    shift = np.empty(channels)
    for c in range(channels):
        shift[c] = x[0, c]
    partial = np.zeros((n_blocks, 2, channels))
    for b in prange(n_blocks):
        for r in range(b * _BLOCK_ROWS, min(n_rows, (b + 1) * _BLOCK_ROWS)):
            w = fraction[r // positions] / positions
            for c in range(channels):
                d = x[r, c] - shift[c]
                partial[b, 0, c] += w * d
                partial[b, 1, c] += w * d * d
    sums = partial.sum(axis=0)
    mean = shift + sums[0]
    var = np.maximum(sums[1] - sums[0] * sums[0], 0.0)
    inv_std = 1.0 / np.sqrt(var + eps)
    mean_t = mean.astype(x.dtype)
    inv_t = inv_std.astype(x.dtype)
    for r in prange(n_rows):
        for c in range(channels):
            h = (x[r, c] - mean_t[c]) * inv_t[c]
            x_hat[r, c] = h
            out[r, c] = gamma[c] * h + beta[c]
    return mean, var, inv_std


@njit(inline="always")
def _backward(dy, x_hat, fraction, positions, gamma, inv_std, dx, dgamma, dbeta):
    n_rows, channels = dy.shape
    n_blocks = (n_rows + _BLOCK_ROWS - 1) // _BLOCK_ROWS
    sums = np.zeros((n_blocks, 2, channels))
    for b in prange(n_blocks):
        for r in range(b * _BLOCK_ROWS, min(n_rows, (b + 1) * _BLOCK_ROWS)):
            for c in range(channels):
                sums[b, 0, c] += dy[r, c]
                sums[b, 1, c] += dy[r, c] * x_hat[r, c]
    total = sums.sum(axis=0)
    for c in range(channels):
        dbeta[c] = total[0, c]
        dgamma[c] = total[1, c]
    # dx_hat = dy * gamma; its sums are gamma * dbeta and gamma * dgamma.
    sum_dx_hat = (gamma * total[0]).astype(dy.dtype)
    sum_dx_hat_x_hat = (gamma * total[1]).astype(dy.dtype)
    inv = inv_std.astype(dy.dtype)
    for r in prange(n_rows):
        w = fraction[r // positions] / positions
        for c in range(channels):
            dx[r, c] = (dy[r, c] * gamma[c]
                        - w * (sum_dx_hat[c] + x_hat[r, c] * sum_dx_hat_x_hat[c])) * inv[c]


@njit(inline="always")
def _scale_shift(x, scale, shift, out):
    for r in prange(x.shape[0]):
        for c in range(x.shape[1]):
            out[r, c] = x[r, c] * scale[c] + shift[c]


@njit(cache=True, parallel=True)
def batch_norm_forward(x, fraction, positions, gamma, beta, eps, out, x_hat):
    """Normalize with weighted batch statistics; returns (mean, var, inv_std), float64."""
    return _forward(x, fraction, positions, gamma, beta, eps, out, x_hat)


@njit(cache=True)
def batch_norm_forward_serial(x, fraction, positions, gamma, beta, eps, out, x_hat):
    return _forward(x, fraction, positions, gamma, beta, eps, out, x_hat)


@njit(cache=True, parallel=True)
def batch_norm_backward(dy, x_hat, fraction, positions, gamma, inv_std, dx, dgamma, dbeta):
    """Fill ``dgamma``, ``dbeta`` and ``dx`` (the gradient through the batch statistics)."""
    _backward(dy, x_hat, fraction, positions, gamma, inv_std, dx, dgamma, dbeta)


@njit(cache=True)
def batch_norm_backward_serial(dy, x_hat, fraction, positions, gamma, inv_std, dx, dgamma, dbeta):
    _backward(dy, x_hat, fraction, positions, gamma, inv_std, dx, dgamma, dbeta)


@njit(cache=True, parallel=True)
def scale_shift(x, scale, shift, out):
    """``out = x * scale + shift`` per channel (batch norm at predict time)."""
    _scale_shift(x, scale, shift, out)


@njit(cache=True)
def scale_shift_serial(x, scale, shift, out):
    _scale_shift(x, scale, shift, out)


def batch_norm_training(rows, fraction, positions, gamma, beta, eps, out, x_hat):
    """Batch norm of (rows, channels) with weighted batch statistics; fills ``out`` and
    ``x_hat``, returns (mean, var, inv_std) in float64. Parallel only inside
    :func:`kernel_threads` (see :mod:`skdeep.ops.cpu.norm`)."""
    kernel = batch_norm_forward if numba_owns_cores() else batch_norm_forward_serial
    return kernel(rows, fraction, positions, gamma, beta, eps, out, x_hat)


def batch_norm_gradient(dy, x_hat, fraction, positions, gamma, inv_std, dx, dgamma, dbeta):
    kernel = batch_norm_backward if numba_owns_cores() else batch_norm_backward_serial
    kernel(dy, x_hat, fraction, positions, gamma, inv_std, dx, dgamma, dbeta)


def batch_norm_inference(rows, scale, shift, out):
    kernel = scale_shift if numba_owns_cores() else scale_shift_serial
    kernel(rows, scale, shift, out)


def forward(rows, fraction, positions, gamma, beta, eps, running_mean, running_var, momentum):
    """Normalize (rows, channels) with weighted batch statistics; update the running
    averages in place; return the output and what :func:`backward` needs."""
    fraction = np.asarray(fraction, dtype=np.float64)
    rows = np.ascontiguousarray(rows)
    out, x_hat = np.empty_like(rows), np.empty_like(rows)
    mean, var, inv_std = batch_norm_training(rows, fraction, positions, gamma, beta, eps, out,
                                             x_hat)
    running_mean += (momentum * (mean - running_mean)).astype(rows.dtype)
    running_var += (momentum * (var - running_var)).astype(rows.dtype)
    return out, (x_hat, inv_std, fraction, positions)


def backward(dy, cache, gamma, dgamma, dbeta):
    """Gradient of :func:`forward` with respect to its rows; fills ``dgamma`` and ``dbeta``."""
    x_hat, inv_std, fraction, positions = cache
    dy = np.ascontiguousarray(dy)
    dx = np.empty_like(dy)
    batch_norm_gradient(dy, x_hat, fraction, positions, gamma, inv_std, dx, dgamma, dbeta)
    return dx


def inference(rows, gamma, beta, running_mean, running_var, eps):
    """Normalize with the running statistics (predict time)."""
    inv_std = 1.0 / np.sqrt(running_var + eps)
    scale = (gamma * inv_std).astype(rows.dtype)
    shift = (beta - running_mean * scale).astype(rows.dtype)
    rows = np.ascontiguousarray(rows)
    out = np.empty_like(rows)
    batch_norm_inference(rows, scale, shift, out)
    return out
