"""The counter-based hash of :mod:`skdeep.ops._random` as CUDA device functions.

The same SplitMix64 finalizer, constants and counters, so a kernel draws exactly the
numbers the CPU kernels draw for the same keys: masks and pooling draws do not depend on
the device.
"""

import numpy as np
from numba import cuda

from ._random import _MUL_1, _MUL_2, _S11, _S27, _S30, _S31, _TO_UNIT, GOLDEN


@cuda.jit(device=True, inline="always")
def mix(z):
    """SplitMix64's finalizer."""
    z = (z ^ (z >> _S30)) * _MUL_1
    z = (z ^ (z >> _S27)) * _MUL_2
    return z ^ (z >> _S31)


@cuda.jit(device=True, inline="always")
def uniform(row_key, counter):
    """A float64 in [0, 1) from a row's key (already mixed with the stream) and a counter."""
    r = mix(row_key + np.uint64(counter + 1) * GOLDEN)
    return (r >> _S11) * _TO_UNIT
