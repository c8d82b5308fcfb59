"""Keep Numba's threads and BLAS's threads from fighting over the cores.

The CPU kernels parallelize with Numba's ``prange`` and call BLAS from inside those
parallel loops; a multithreaded BLAS there would start threads of its own on cores that
are already busy (slowdowns of 5-50x were measured on two cores). Inside
:func:`kernel_threads` BLAS runs single-threaded and Numba owns the cores.
"""

import contextlib
import functools
import threading

from threadpoolctl import ThreadpoolController


@functools.cache
def _controller():
    return ThreadpoolController()


@contextlib.contextmanager
def kernel_threads():
    """Context in which BLAS uses one thread (nested uses are cheap)."""
    if getattr(_state, "depth", 0):
        yield
        return
    _state.depth = 1
    try:
        with _controller().limit(limits=1, user_api="blas"):
            yield
    finally:
        _state.depth = 0


_state = threading.local()


def numba_owns_cores():
    """True inside :func:`kernel_threads`: parallel Numba kernels are welcome there."""
    return bool(getattr(_state, "depth", 0))
