"""The counter-based hash (:mod:`skdeep.ops._hash`) compiled for the CPU, and keys for rows
that have no content key."""

import numpy as np
from numba import njit

from .._hash import GOLDEN, compile_hash

mix, uniform = compile_hash(njit(cache=True))


@njit(cache=True)
def _index_keys(seed, keys):
    for i in range(len(keys)):
        keys[i] = mix(seed ^ mix(np.uint64(i) * GOLDEN))


def index_keys(n, seed):
    """Keys for rows ``0 .. n - 1`` under ``seed`` (when rows have no content key)."""
    keys = np.empty(n, dtype=np.uint64)
    _index_keys(np.uint64(seed), keys)
    return keys
