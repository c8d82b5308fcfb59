"""Device arrays: allocation, upload, fills and copies, and the launch shape of 1-D kernels.

Imported only on the CUDA path (it imports ``numba.cuda``).

Inside :meth:`Workspace.step` every :func:`empty` (and so every kernel's output) comes from
the workspace: the n-th allocation of a training step gets the buffer the n-th allocation
of the previous step of the same shape and dtype got. A step's temporaries (activations,
masks, gradients of activations) never outlive the step, and kernels run in stream order,
so reusing them is safe; steady-state training then allocates and frees nothing. That
matters on a GPU beyond the cost of ``cuMemAlloc`` itself: numba-cuda frees device memory
in batches, and freeing synchronizes the device with the host.
"""

import contextlib
import threading
import warnings

import numpy as np
from numba import cuda

from .support import is_device_array, simulated

# Small networks launch small grids on purpose (a training step is launch-bound, not
# occupancy-bound): numba-cuda's low-occupancy warning would print on every fit.
warnings.filterwarnings("ignore", message=r".*Grid size \d+ will likely result in GPU under-util")

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


_ACTIVE = threading.local()
"""The workspace of the training step running in this thread, if any."""


class Workspace:
    """Buffers for the temporaries of training steps, reused from one step to the next."""

    def __init__(self):
        self._buffers = {}
        self._position = 0

    @contextlib.contextmanager
    def step(self):
        """Allocations in this block come from (and go back to) the workspace."""
        previous = getattr(_ACTIVE, "workspace", None)
        self._position = 0
        _ACTIVE.workspace = self
        try:
            yield self
        finally:
            _ACTIVE.workspace = previous

    def take(self, shape, dtype):
        key = (self._position, shape, dtype)
        self._position += 1
        buffer = self._buffers.get(key)
        if buffer is None:
            buffer = self._buffers[key] = cuda.device_array(shape, dtype=dtype)
        return buffer

    def __len__(self):
        return len(self._buffers)


def empty(shape, dtype):
    """A new device array, from the active workspace inside a training step."""
    shape = tuple(int(s) for s in np.atleast_1d(shape))
    workspace = getattr(_ACTIVE, "workspace", None)
    if workspace is not None:
        return workspace.take(shape, np.dtype(dtype))
    return cuda.device_array(shape, dtype=np.dtype(dtype))


def persistent(shape, dtype):
    """A device array that outlives the step it is made in (never from a workspace)."""
    return cuda.device_array(tuple(int(s) for s in np.atleast_1d(shape)), dtype=np.dtype(dtype))


def zeros(shape, dtype):
    out = empty(shape, dtype)
    fill(out, 0.0)
    return out


def full(shape, value, dtype, keep=False):
    """``value`` everywhere; ``keep=True``: a :func:`persistent` array."""
    out = persistent(shape, dtype) if keep else empty(shape, dtype)
    fill(out, value)
    return out


def to_device(a, dtype=None):
    """``a`` on the device: device arrays pass through, NumPy arrays are copied over."""
    if is_device_array(a):
        return a
    return cuda.to_device(np.ascontiguousarray(a, dtype=dtype))


def flat(a):
    return a.reshape(a.size)


def rows(a, width):
    """``a`` as a (rows, ``width``) view, also when ``a`` is a channel slice
    ``buffer[:, :, :, :c]`` of a contiguous array (a dense block's maps), whose rows are
    then ``buffer``'s width apart: Numba's ``reshape`` refuses any non-contiguous array,
    so the view is made from the same memory with the slice's row stride."""
    if simulated() or a.is_c_contiguous():
        return a.reshape(a.size // width, width)
    if a.strides[3] != a.itemsize or any(
            a.strides[i] != a.strides[i + 1] * a.shape[i + 1] for i in range(2)):
        raise ValueError(f"expected a channel slice of a contiguous array; got strides "
                         f"{a.strides} for shape {a.shape}")
    from numba.cuda.cudadrv.devicearray import DeviceNDArray  # not under the simulator

    return DeviceNDArray((a.size // width, width), (a.strides[2], a.strides[3]), a.dtype,
                         gpu_data=a.gpu_data)


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


@cuda.jit(device=True, inline="always")
def row_channel(i, a):
    """``(r, c)`` of the ``i``-th element of a contiguous (rows, channels) array ``a``."""
    r = i // a.shape[1]
    return r, i - r * a.shape[1]


@cuda.jit(device=True, inline="always")
def nhwc_index(i, a):
    """``(n, h, w, c)`` of the ``i``-th element of a contiguous 4-D array ``a``."""
    c = i % a.shape[3]
    rest = i // a.shape[3]
    w = rest % a.shape[2]
    rest //= a.shape[2]
    return rest // a.shape[1], rest % a.shape[1], w, c


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


@cuda.jit
def _take_rows(a, order, width, out):
    i = cuda.grid(1)
    if i < out.size:
        row = i // width
        out[i] = a[order[row] * width + i - row * width]


def take_rows(a, order):
    """``a[order]`` along the first axis (``order`` a device array of row indices)."""
    out = empty((len(order),) + tuple(a.shape)[1:], a.dtype)
    width = a.size // a.shape[0] if a.shape[0] else 1
    launch(_take_rows, out.size)(flat(a), order, width, flat(out))
    return out


@cuda.jit
def _permute4(a, axes, out):
    i = cuda.grid(1)
    if i >= out.size:
        return
    rest = i
    index = cuda.local.array(4, "int64")
    for d in range(3, -1, -1):
        index[d] = rest % out.shape[d]
        rest //= out.shape[d]
    source = cuda.local.array(4, "int64")
    for d in range(4):
        source[axes[d]] = index[d]
    out[index[0], index[1], index[2], index[3]] = a[source[0], source[1], source[2], source[3]]


def permute4(a, axes):
    """``a.transpose(axes)`` of a 4-D device array, as a new contiguous array."""
    shape = tuple(a.shape)
    out = empty(tuple(shape[ax] for ax in axes), a.dtype)
    launch(_permute4, out.size)(a, tuple(int(ax) for ax in axes), out)
    return out
