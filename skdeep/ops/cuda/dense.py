"""Dense layers on the GPU: the tiled GEMM of :mod:`skdeep.ops.cuda.gemm` with plain and
transposed loaders. The weight gradient runs over the batch as split-K partial products
(a row of ones in ``x.T`` carries the bias gradient along), summed in order."""

from . import gemm
from .arrays import empty


def forward(x, weights, bias):
    """``x @ W + b``."""
    n, (n_in, n_out) = x.shape[0], weights.shape
    out = empty((n, n_out), x.dtype)
    gemm.gemm(gemm.load_rows, x, gemm.load_rows, weights, out, n, n_out, n_in, bias=bias)
    return out


def backward(x, dy, weights, dweights, dbias, need_dx):
    """Fill ``dweights = x.T @ dy`` and ``dbias = sum(dy)``; return ``dy @ W.T`` or None."""
    n, (n_in, n_out) = x.shape[0], weights.shape
    partials = gemm.gemm_split_k(gemm.load_transposed_ones, x, gemm.load_rows, dy, n_in + 1,
                                 n_out, n, (0,), x.dtype)
    gemm.sum_partials(partials, dweights, dbias)
    if not need_dx:
        return None
    dx = empty((n, n_in), x.dtype)
    gemm.gemm(gemm.load_rows, dy, gemm.load_transposed, weights, dx, n, n_in, n_out)
    return dx
