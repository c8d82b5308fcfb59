"""Device arrays: allocation, upload, fills and copies, and the launch shape of 1-D kernels.

Imported only on the CUDA path (it imports ``numba.cuda``).
"""

import numpy as np
from numba import cuda

from ._cuda_support import is_device_array

THREADS = 256
"""Threads per block of the one-dimensional (element-wise) kernels."""


def threads_for(n):
    """Threads per block for ``n`` elements: ``THREADS``, fewer (whole warps) for small n."""
    return int(min(THREADS, max(32, -(-int(n) // 32) * 32)))


def blocks(n, threads=None):
    """Blocks covering ``n`` elements (at least one) with ``threads_for(n)`` threads each."""
    threads = threads or threads_for(n)
    return max(1, -(-int(n) // threads))


def launch(kernel, n):
    """``kernel`` configured with one thread per element for ``n`` elements."""
    return kernel[blocks(n), threads_for(n)]


def empty(shape, dtype):
    return cuda.device_array(shape, dtype=np.dtype(dtype))


def zeros(shape, dtype):
    out = empty(shape, dtype)
    fill(out, 0.0)
    return out


def full(shape, value, dtype):
    out = empty(shape, dtype)
    fill(out, value)
    return out


def to_device(a, dtype=None):
    """``a`` on the device: device arrays pass through, NumPy arrays are copied over."""
    if is_device_array(a):
        return a
    return cuda.to_device(np.ascontiguousarray(a, dtype=dtype))


def flat(a):
    return a.reshape(a.size)


def fill(out, value):
    """Set every element of a contiguous device array to ``value``."""
    out = flat(out)
    launch(_fill, out.size)(out, value)


def copy(a):
    """A new device array equal to ``a`` (contiguous)."""
    out = empty(a.shape, a.dtype)
    copy_into(out, a)
    return out


def copy_into(out, a):
    launch(_copy, a.size)(flat(out), flat(a))


@cuda.jit
def _fill(out, value):
    i = cuda.grid(1)
    if i < out.size:
        out[i] = value


@cuda.jit
def _copy(out, a):
    i = cuda.grid(1)
    if i < out.size:
        out[i] = a[i]
