"""The threads that run :func:`skdeep.ops.cpu.threads.over_ranges`'s other ranges.

One thread per extra core, each running one range at a time. Handing a range to a thread
that sleeps costs tens of microseconds on these virtual machines (waking an idle core; a
thread pool's hand-over measured 70-150 us), and a training step splits about fifteen
kernels. So after each range a worker watches for the next one for a while
(:data:`IDLE_SPIN_LOADS`) in a Numba loop that holds no GIL, and the calling thread
watches for the workers' ranges to end the same way; only a worker left without work for
longer goes to sleep on a condition variable. The watching loop reads a flag with an
atomic (acquire) load, so that the compiler reads it anew on every turn.
"""

import os
import threading

import numpy as np
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

IDLE_SPIN_LOADS = 5_000_000
"""Reads of its flag (about 0.8 ns each here, so about 4 ms) a worker makes after a range
before it sleeps: longer than most gaps between the split kernels of a training step
(against the thread pool, in interleaved fits, LeNet-5 and network (b) of bench_cnn.py
gained 6% and 2% with 2 million reads, 8% and 3% with 10 million), short enough that a
worker soon stops using its core after a fit or a prediction. While it watches, it keeps
that core busy: other processes on the machine get less of it."""
WAIT_SPIN_LOADS = 20_000_000
"""Reads the calling thread makes while the workers finish their ranges (their ranges
are as long as its own) before it sleeps until they are done."""


@intrinsic
def _load_acquire(typingctx, array, index):
    """``array[index]`` read with an atomic acquire load (never hoisted out of a loop)."""
    signature = array.dtype(array, types.intp)

    def codegen(context, builder, sig, args):
        data = context.make_array(sig.args[0])(context, builder, args[0])
        pointer = cgutils.get_item_pointer(context, builder, sig.args[0], data, [args[1]])
        return builder.load_atomic(pointer, "acquire", sig.args[0].dtype.bitwidth // 8)

    return signature, codegen


@njit(cache=True, nogil=True)
def _spin_until(flags, index, value, max_loads):
    """Whether ``flags[index]`` reached ``value`` within ``max_loads`` reads."""
    for _ in range(max_loads):
        if _load_acquire(flags, index) >= value:
            return True
    return _load_acquire(flags, index) >= value


class _Worker:
    """A daemon thread that runs the ranges given to :meth:`start`, one at a time."""

    def __init__(self):
        self._counts = np.zeros(2, dtype=np.int64)  # ranges given, ranges done
        self._changed = threading.Condition()
        self._task = None
        self._error = None
        threading.Thread(target=self._serve, name="skdeep-kernel", daemon=True).start()

    def _serve(self):
        counts = self._counts
        while True:
            wanted = counts[1] + 1
            if not _spin_until(counts, 0, wanted, IDLE_SPIN_LOADS):
                with self._changed:
                    self._changed.wait_for(lambda wanted=wanted: counts[0] >= wanted)
            kernel, args = self._task
            self._task = None
            try:
                kernel(*args)
            except BaseException as error:  # handed to the caller by finish()
                self._error = error
            del kernel, args  # hold no arrays while waiting for the next range
            with self._changed:
                counts[1] = wanted
                self._changed.notify_all()

    def start(self, kernel, args):
        """Run ``kernel(*args)`` on this worker; :meth:`finish` waits for it."""
        self._task = (kernel, args)
        with self._changed:
            self._counts[0] += 1
            self._changed.notify_all()

    def finish(self):
        """Wait for the range given last; raise what the kernel raised."""
        counts, given = self._counts, self._counts[0]
        if not _spin_until(counts, 1, given, WAIT_SPIN_LOADS):
            with self._changed:
                self._changed.wait_for(lambda: counts[1] >= given)
        error, self._error = self._error, None
        if error is not None:
            raise error


_workers = []
_lock = threading.Lock()


def run_split(kernel, own_args, other_args):
    """Run ``kernel(*own_args)`` in the calling thread and ``kernel(*args)`` for each of
    ``other_args`` on a worker of its own; return once all are done.

    Returns False without running anything when another thread is using the workers (the
    caller then runs the whole range itself)."""
    if not _lock.acquire(blocking=False):
        return False
    try:
        while len(_workers) < len(other_args):
            _workers.append(_Worker())
        for worker, args in zip(_workers, other_args):
            worker.start(kernel, args)
        try:
            kernel(*own_args)
        finally:
            errors = []
            for worker in _workers[:len(other_args)]:
                try:
                    worker.finish()
                except BaseException as error:
                    errors.append(error)
        if errors:
            raise errors[0]
    finally:
        _lock.release()
    return True


def _forget_workers():
    """A forked child has none of its parent's threads: start new workers when needed."""
    global _lock
    _workers.clear()
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_workers)
