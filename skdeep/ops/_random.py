"""Counter-based random numbers: a hash of (key, stream, counter), not a generator state.

SplitMix64's finalizer is a bijection on 64-bit integers with full avalanche: hashing a
sample's key with a draw's stream key and an element counter gives independent-looking
uniform numbers that any thread (or process) can compute in any order.
"""

import numpy as np
from numba import njit

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MUL_1 = np.uint64(0xBF58476D1CE4E5B9)
_MUL_2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True)
def mix(z):
    """SplitMix64's finalizer."""
    z = (z ^ (z >> _S30)) * _MUL_1
    z = (z ^ (z >> _S27)) * _MUL_2
    return z ^ (z >> _S31)


@njit(cache=True)
def uniform(row_key, counter):
    """A float64 in [0, 1) from a row's key (already mixed with the stream) and a counter."""
    r = mix(row_key + np.uint64(counter + 1) * GOLDEN)
    return (r >> _S11) * _TO_UNIT


@njit(cache=True)
def index_keys(n, seed):
    """Keys for rows ``0 .. n - 1`` under ``seed`` (when rows have no content key)."""
    keys = np.empty(n, dtype=np.uint64)
    for i in range(n):
        keys[i] = mix(np.uint64(seed) ^ mix(np.uint64(i) * GOLDEN))
    return keys
