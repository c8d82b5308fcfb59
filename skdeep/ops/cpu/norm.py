"""Batch normalization on the CPU: Numba kernels over rows of a (rows, channels) array.

Rows are samples (dense layers) or the pixels of channels-last feature maps: row ``r``
belongs to sample ``r // positions`` and carries that sample's weight ``fraction[n] /
positions``. Reductions over rows sum fixed blocks of rows (float64 partial sums), the
blocks spread over the cores, and then add the blocks in order, so results do not depend
on the number of threads. The per-channel arithmetic between the passes is NumPy.

The kernels run on every core inside :func:`skdeep.ops.cpu.threads.kernel_threads` (a CNN
fit) and in the calling thread elsewhere (an MLP fit, whose matrix products use every core
through BLAS; running parallel kernels between them made MLP fits with batch norm 25x
slower).
"""

import numpy as np
from numba import njit

from .flat import flat_rows
from .threads import over_ranges

_BLOCK_ROWS = 2048


def _n_blocks(n_rows):
    return (n_rows + _BLOCK_ROWS - 1) // _BLOCK_ROWS


@njit(cache=True, nogil=True)
def _moment_blocks(x, stride, n_rows, fraction, positions, shift, partial, first, stop):
    """Blocks ``first:stop``: weighted sums of ``d = x - shift`` and ``d**2`` per channel.

    Shifted by the first row so that ``var = E[d^2] - E[d]^2`` does not cancel when
    ``|mean| >> std``."""
    channels = shift.size
    for b in range(first, stop):
        for c in range(channels):
            partial[b, 0, c] = 0.0
            partial[b, 1, c] = 0.0
        for r in range(b * _BLOCK_ROWS, min(n_rows, (b + 1) * _BLOCK_ROWS)):
            w = fraction[r // positions] / positions
            row = np.uint64(r * stride)  # unsigned: vectorizes (see .flat)
            for c in range(np.uint64(channels)):
                d = x[row + c] - shift[c]
                partial[b, 0, c] += w * d
                partial[b, 1, c] += w * d * d


# The normalized input x_hat = (x - mean) * inv_std is not stored: the backward pass
# recomputes it (the same expression, so the same values), which saves writing and
# holding an array the size of the input per layer.
#
# With ``relu`` the layer also applies the ReLU that follows it (see
# :func:`skdeep.nn.network.fuse_batch_norm_relu`): the forward pass clamps its output at
# zero, and the backward pass gates ``dy`` with ``y > 0``, ``y`` recomputed from ``x``. The
# expressions are those of the separate layers, in the same dtype (``zero`` is a 0 of
# ``dy``'s dtype), so the results are the same to the bit, without the ReLU's own pass over
# memory each way.
#
# The kernels take the flag as a ``floor`` of the rows' dtype (0 with the ReLU, -inf
# without) rather than as a boolean, whose loop-invariant test LLVM compiles into two
# versions of every loop: batch norm's kernels compile in 1.10 s instead of 1.23 s on a
# first fit (measured), at the same speed. Without the ReLU, ``y > -inf`` holds for every
# ``y`` but NaN and -inf, whose gradients are NaN through ``x_hat`` in any case.
@njit(inline="always")
def _clamp(y, floor):
    return floor if y < floor else y  # NaN stays NaN, as in the ReLU layer


@njit(inline="always")
def _gate(dy, y, floor, zero):
    return dy if y > floor else dy * zero  # a NaN or inf dy stays visible


def _floor(relu, dtype):
    return dtype.type(0.0 if relu else -np.inf)


@njit(cache=True, nogil=True)
def _normalize_rows(x, stride, mean, inv_std, gamma, beta, relu, out, first, stop):
    for r in range(first, stop):
        row = np.uint64(r * stride)
        for c in range(np.uint64(out.shape[1])):
            out[r, c] = _clamp(gamma[c] * ((x[row + c] - mean[c]) * inv_std[c]) + beta[c],
                               relu)


@njit(cache=True, nogil=True)
def _gradient_blocks(dy, x, stride, mean, inv_std, gamma, beta, relu, zero, partial, first,
                     stop):
    """Blocks ``first:stop``: sums of ``dy`` and ``dy * x_hat`` per channel."""
    n_rows, channels = dy.shape
    for b in range(first, stop):
        for c in range(channels):
            partial[b, 0, c] = 0.0
            partial[b, 1, c] = 0.0
        for r in range(b * _BLOCK_ROWS, min(n_rows, (b + 1) * _BLOCK_ROWS)):
            row = np.uint64(r * stride)
            for c in range(np.uint64(channels)):
                x_hat = (x[row + c] - mean[c]) * inv_std[c]
                g = _gate(dy[r, c], gamma[c] * x_hat + beta[c], relu, zero)
                partial[b, 0, c] += g
                partial[b, 1, c] += g * x_hat


@njit(cache=True, nogil=True)
def _input_gradient_rows(dy, x, stride, mean, fraction, positions, gamma, beta, relu, zero,
                         sum_dx_hat, sum_dx_hat_x_hat, inv_std, dx, first, stop):
    for r in range(first, stop):
        w = fraction[r // positions] / positions
        row = np.uint64(r * stride)
        for c in range(np.uint64(dy.shape[1])):
            x_hat = (x[row + c] - mean[c]) * inv_std[c]
            g = _gate(dy[r, c], gamma[c] * x_hat + beta[c], relu, zero)
            dx[r, c] = (g * gamma[c]
                        - w * (sum_dx_hat[c] + x_hat * sum_dx_hat_x_hat[c])) * inv_std[c]


def _block_sums(kernel, n_rows, channels, *args):
    partial = np.empty((_n_blocks(n_rows), 2, channels))
    over_ranges(kernel, len(partial), *args, partial)
    return partial.sum(axis=0)


def batch_norm_statistics(rows, fraction, positions, eps):
    """The weighted batch mean, (biased) variance and ``1 / sqrt(var + eps)`` of each
    channel of (rows, channels), in float64."""
    shift = rows[0].astype(np.float64)
    x, stride = flat_rows(rows)
    sums = _block_sums(_moment_blocks, *rows.shape, x, stride, len(rows), fraction, positions,
                       shift)
    mean = shift + sums[0]
    var = np.maximum(sums[1] - sums[0] * sums[0], 0.0)
    return mean, var, 1.0 / np.sqrt(var + eps)


def batch_norm_training(rows, fraction, positions, gamma, beta, eps, out, relu=False):
    """Batch norm of (rows, channels) with weighted batch statistics (then a ReLU when
    ``relu``); fills ``out``, returns (mean, var, inv_std) in float64. ``rows`` may be a
    channel slice of a wider array (see :func:`~skdeep.ops.cpu.flat.flat_rows`)."""
    mean, var, inv_std = batch_norm_statistics(rows, fraction, positions, eps)
    x, stride = flat_rows(rows)
    over_ranges(_normalize_rows, len(rows), x, stride, mean.astype(rows.dtype),
                inv_std.astype(rows.dtype), gamma, beta, _floor(relu, rows.dtype), out)
    return mean, var, inv_std


def batch_norm_gradient(dy, x, mean, fraction, positions, gamma, beta, inv_std, dx, dgamma,
                        dbeta, relu=False):
    """Fill ``dgamma``, ``dbeta`` and ``dx`` (the gradient through the batch statistics,
    and through the fused ReLU when ``relu``)."""
    mean, inv_std = mean.astype(dy.dtype), inv_std.astype(dy.dtype)
    zero, floor = dy.dtype.type(0), _floor(relu, dy.dtype)
    x, stride = flat_rows(x)
    total = _block_sums(_gradient_blocks, *dy.shape, dy, x, stride, mean, inv_std, gamma, beta,
                        floor, zero)
    dbeta[...] = total[0]
    dgamma[...] = total[1]
    # dx_hat = dy * gamma; its sums are gamma * dbeta and gamma * dgamma.
    over_ranges(_input_gradient_rows, len(dy), dy, x, stride, mean, fraction, positions, gamma,
                beta,
                floor, zero, (gamma * total[0]).astype(dy.dtype),
                (gamma * total[1]).astype(dy.dtype), inv_std, dx)


def forward(rows, fraction, positions, gamma, beta, eps, running_mean, running_var, momentum,
            relu=False):
    """Normalize (rows, channels) with weighted batch statistics (then apply a ReLU when
    ``relu``); update the running averages in place; return the output and what
    :func:`backward` needs."""
    fraction = np.asarray(fraction, dtype=np.float64)
    out = np.empty(rows.shape, rows.dtype)
    mean, var, inv_std = batch_norm_training(rows, fraction, positions, gamma, beta, eps, out,
                                             relu)
    running_mean += (momentum * (mean - running_mean)).astype(rows.dtype)
    running_var += (momentum * (var - running_var)).astype(rows.dtype)
    return out, (rows, mean, inv_std, fraction, positions, beta, relu)


def backward(dy, cache, gamma, dgamma, dbeta):
    """Gradient of :func:`forward` with respect to its rows; fills ``dgamma`` and ``dbeta``."""
    rows, mean, inv_std, fraction, positions, beta, relu = cache
    dy = np.ascontiguousarray(dy)
    dx = np.empty_like(dy)
    batch_norm_gradient(dy, rows, mean, fraction, positions, gamma, beta, inv_std, dx, dgamma,
                        dbeta, relu)
    return dx


def inference(rows, gamma, beta, running_mean, running_var, eps, relu=False):
    """Normalize with the running statistics (predict time), then a ReLU when ``relu``.

    The training kernel with the running statistics in place of the batch's: one kernel
    less to compile on a first fit (a separate ``x * scale + shift`` kernel saves one
    multiply per value on a pass that is memory-bound)."""
    inv_std = 1.0 / np.sqrt(running_var.astype(np.float64) + eps)
    out = np.empty(rows.shape, rows.dtype)
    over_ranges(_normalize_rows, len(rows), *flat_rows(rows), running_mean.astype(rows.dtype),
                inv_std.astype(rows.dtype), gamma, beta, _floor(relu, rows.dtype), out)
    return out
