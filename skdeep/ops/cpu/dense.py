"""Dense layers on the CPU: BLAS matrix products (NumPy).

In an image network the kernels own the cores and BLAS runs on one thread
(:func:`.threads.kernel_threads`); giving BLAS its threads back for a product made things
slower (OpenBLAS's threads keep spinning after a call and then compete with the kernels').
There, a large product is computed as two halves of its output columns instead, one per
core (:func:`.threads.over_ranges`). The halves are the same whatever the number of
threads (with one, they run one after the other), so results do not depend on it. The
Fashion-MNIST CNN's 3,136 -> 128 layer at batch 128: forward 1.10 -> 0.62 ms, backward
2.32 -> 1.25 ms on two cores.
"""

import numpy as np

from .threads import numba_owns_cores, over_ranges

MIN_SPLIT_PRODUCT = 1 << 22
"""Multiply-adds from which a product is computed in halves where kernels own the cores
(LeNet-5's 784 -> 120 layer at batch 128 has 12 million; its 120 -> 84 layer, 1.3 million,
is not worth a hand-over)."""


def _column_halves(a, b, out, bounds, first, stop):
    """``out[:, cols] = a @ b[:, cols]`` for the column ranges ``first:stop`` of ``bounds``."""
    for half in range(first, stop):
        columns = slice(bounds[half], bounds[half + 1])
        np.matmul(a, b[:, columns], out=out[:, columns])


def matmul(a, b, out=None):
    """``a @ b`` (into ``out`` when given), in two halves of columns where kernels own the
    cores and the product is large (see the module's notes)."""
    m, k = a.shape
    n = b.shape[1]
    if not numba_owns_cores() or m * k * n < MIN_SPLIT_PRODUCT or n < 2:
        return a @ b if out is None else np.dot(a, b, out=out)
    out = np.empty((m, n), dtype=np.result_type(a, b)) if out is None else out
    over_ranges(_column_halves, 2, a, b, out, [0, n // 2, n])
    return out


def forward(x, weights, bias):
    """``x @ weights + bias``."""
    out = matmul(x, weights)
    out += bias
    return out


def backward(x, dy, weights, dweights, dbias, need_dx):
    """Fill ``dweights`` and ``dbias``; return ``dy @ weights.T`` when ``need_dx``."""
    matmul(x.T, dy, out=dweights)
    np.sum(dy, axis=0, out=dbias)
    return matmul(dy, weights.T) if need_dx else None
