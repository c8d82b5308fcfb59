"""The counter-based hash behind every random draw, written once for both devices.

SplitMix64's finalizer is a bijection on 64-bit integers with full avalanche: hashing a
sample's key with a draw's stream key and an element counter gives independent-looking
uniform numbers that any thread (or process) can compute in any order. The functions here
are plain Python; :func:`compile_hash` compiles them for a device (``numba.njit`` for the
CPU, a CUDA device function for the GPU), so both draw exactly the same numbers.
"""

import types

import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MUL_1 = np.uint64(0xBF58476D1CE4E5B9)
_MUL_2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


def mix(z):
    """SplitMix64's finalizer."""
    z = (z ^ (z >> _S30)) * _MUL_1
    z = (z ^ (z >> _S27)) * _MUL_2
    return z ^ (z >> _S31)


def uniform(row_key, counter):
    """A float64 in [0, 1) from a row's key (already mixed with the stream) and a counter."""
    r = mix(row_key + np.uint64(counter + 1) * GOLDEN)
    return (r >> _S11) * _TO_UNIT


def compile_hash(compile):
    """``(mix, uniform)`` compiled with the decorator ``compile``; ``uniform`` calls the
    compiled ``mix``."""
    compiled_mix = compile(mix)
    namespace = dict(globals(), mix=compiled_mix)
    compiled_uniform = compile(types.FunctionType(uniform.__code__, namespace, "uniform"))
    return compiled_mix, compiled_uniform
