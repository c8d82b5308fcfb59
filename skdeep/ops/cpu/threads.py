"""How the CPU kernels use the cores.

The kernels are serial Numba functions that release the GIL (``nogil=True``) and work on
a range of items (images, chunks of images, blocks of rows): :func:`over_ranges` splits
the items into one contiguous range per core and runs the others on the workers of
:mod:`.workers`. Serial
kernels compile several times faster than ``parallel=True`` ones (whose ``prange`` loops
Numba outlines and compiles as separate parallel functions), which is most of what a first
fit on a fresh install waits for.

The kernels call BLAS on their own ranges; a multithreaded BLAS there would start threads
of its own on cores that are already busy (slowdowns of 5-50x were measured on two cores).
Inside :func:`kernel_threads` BLAS runs single-threaded and the kernels own the cores;
outside it (a dense network, whose matrix products use BLAS's threads) kernels run their
whole range in the calling thread.
"""

import contextlib
import functools
import threading

import numba
import numpy as np
from threadpoolctl import ThreadpoolController

from .workers import run_split


@functools.cache
def _controller():
    return ThreadpoolController()


@contextlib.contextmanager
def kernel_threads():
    """Context in which BLAS uses one thread and kernels use every core (nestable)."""
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
    """True inside :func:`kernel_threads`: kernels may spread over the cores there."""
    return bool(getattr(_state, "depth", 0))


def range_bounds(n_items, n_parts):
    """``n_parts + 1`` increasing bounds splitting ``range(n_items)`` into near-equal parts."""
    return [n_items * part // n_parts for part in range(n_parts + 1)]


MIN_VALUES_PER_THREAD = 32768
"""A call whose largest array has fewer values per core runs in the calling thread: the
hand-over to the workers (15-50 us, :mod:`.workers`) would cost more than it saves."""
ELEMENTWISE_SPLIT_FACTOR = 8
"""Element-wise kernels, which do little per value, split only at this many times
:data:`MIN_VALUES_PER_THREAD` values per core: with a thread pool, whose hand-over cost
about 50 us on these virtual machines (waking the other core), a ReLU over 150,000 values
took 68 us on two threads against 24 us on one (over 1.6 million: 209 against 339 us)."""


def over_ranges(kernel, n_items, *args, scratch=None, elementwise=False):
    """Run ``kernel(*args, start, stop)`` over ranges that cover ``range(n_items)``.

    Inside :func:`kernel_threads`, one contiguous range per core (``numba.get_num_threads()``),
    the first in the calling thread and the others on :mod:`.workers` (when another thread
    is using them, the calling thread runs the whole range); elsewhere, or for
    small arrays (see ``MIN_VALUES_PER_THREAD``; ``elementwise``: see
    ``ELEMENTWISE_SPLIT_FACTOR``), one call for the whole range. Kernels
    must write disjoint outputs per item, so the result does not depend on the split.
    ``scratch``, when given, returns a tuple of work buffers for one range; each range
    gets its own, passed after ``args``.
    """
    parts = min(numba.get_num_threads(), n_items) if numba_owns_cores() else 1
    largest = max((arg.size for arg in args if isinstance(arg, np.ndarray)), default=0)
    min_values = MIN_VALUES_PER_THREAD * (ELEMENTWISE_SPLIT_FACTOR if elementwise else 1)
    parts = max(1, min(parts, largest // min_values))
    buffers = tuple if scratch is None else scratch
    if parts <= 1:
        kernel(*args, *buffers(), 0, n_items)
        return
    bounds = range_bounds(n_items, parts)
    ranges = [(*args, *buffers(), start, stop) for start, stop in zip(bounds, bounds[1:])]
    if not run_split(kernel, ranges[0], ranges[1:]):
        kernel(*ranges[0][:-2], 0, n_items)  # another thread is using the workers
