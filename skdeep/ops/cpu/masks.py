"""Counter-based random masks for dropout and DropConnect.

A mask entry is a hash of ``(seed, epoch or step, layer, sample key, unit)`` rather than
the next draw of a sequential generator. Two properties follow:

- The dropout mask of a sample depends on the sample's *content* (its row key), not on its
  position in the shuffled batch: a sample with ``sample_weight=k`` sees exactly the masks
  that ``k`` repeated copies of it would see, so weighting and repeating train the same
  network, and results are bit-identical whatever the batch order or worker process.
- No generator state has to be carried between batches, which is also how a GPU would draw
  masks in parallel.

The hash is SplitMix64's finalizer (:mod:`skdeep.ops._hash`).
"""

import numpy as np
from numba import njit

from .._hash import GOLDEN, mix
from .random import mix as _mix
from .random import uniform as _uniform


@njit(cache=True)
def _row_keys(bits, seed, keys):
    n, d = bits.shape
    for i in range(n):
        key = seed
        for j in range(d):
            key = _mix(key ^ np.uint64(bits[i, j]))
        keys[i] = key


@njit(cache=True)
def _fill_mask(keys, stream, keep, scale, out):
    n, width = out.shape
    for i in range(n):
        row = _mix(keys[i] ^ stream)
        for u in range(width):
            if _uniform(row, u) < keep:
                out[i, u] = scale
            else:
                out[i, u] = 0.0


def row_keys(X, seed):
    """Hash every row of ``X`` (bit pattern and all) to a 64-bit key.

    Parameters
    ----------
    X : ndarray of shape (n_samples, ...)
        Float32 or float64 samples.
    seed : int
        Seed mixed into every key.

    Returns
    -------
    keys : ndarray of shape (n_samples,), dtype uint64
    """
    X = np.ascontiguousarray(X).reshape(len(X), -1)
    bits = X.view(np.uint32 if X.dtype == np.float32 else np.uint64)
    keys = np.empty(len(bits), dtype=np.uint64)
    _row_keys(bits, np.uint64(seed), keys)
    return keys


def stream_key(seed, counter, layer):
    """The 64-bit key of one mask draw: a seed, an epoch or step counter and a layer id.

    Plain NumPy on scalars (one call per layer and step: not worth compiling a kernel
    for); unsigned arithmetic wraps around as in the kernels."""
    seed, counter, layer = np.uint64(seed), np.uint64(counter), np.uint64(layer)
    with np.errstate(over="ignore"):
        return mix(seed ^ mix(counter * GOLDEN + layer))


def keep_mask(keys, stream, rate, shape, dtype):
    """Inverted-dropout mask: ``1 / (1 - rate)`` with probability ``1 - rate``, else 0.

    Parameters
    ----------
    keys : ndarray of shape (n_rows,), dtype uint64
        One key per row of the mask (per sample for dropout; one key for DropConnect).
    stream : numpy.uint64
        Key of this draw, from :func:`stream_key`.
    rate : float in [0, 1)
        Probability of dropping an entry.
    shape : tuple
        Shape of the mask; ``shape[0] == len(keys)``.
    dtype : numpy dtype

    Returns
    -------
    mask : ndarray of the given shape and dtype
    """
    if len(keys) != shape[0]:
        raise ValueError(f"keep_mask needs one key per row: {len(keys)} keys, shape {shape}.")
    out = np.empty((shape[0], int(np.prod(shape[1:]))), dtype=dtype)
    keep = 1.0 - rate
    _fill_mask(keys, stream, keep, 1.0 / keep, out)
    return out.reshape(shape)


def multiply(a, mask, out=None):
    """``a * mask``; ``mask`` has ``a``'s shape or one entry per (sample, channel)."""
    return np.multiply(a, mask, out=out)
