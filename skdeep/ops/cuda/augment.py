"""Training-time augmentation on the GPU: the shifts and flips of
:mod:`skdeep.ops.cpu.augment`, drawn from the same hash.
"""

import numpy as np
from numba import cuda

from .arrays import empty, launch, nhwc_index
from .random import mix, uniform


@cuda.jit
def _shift_flip(x, keys, stream, max_shift_h, max_shift_w, flip, out):
    """The CPU kernel's draws (``skdeep.ops.cpu.augment.shift_flip``), one thread per
    output element."""
    i = cuda.grid(1)
    if i >= out.size:
        return
    width, height = x.shape[2], x.shape[1]
    n, h, w, c = nhwc_index(i, out)
    row = mix(keys[n] ^ stream)
    shift_h = int(uniform(row, 0) * (2 * max_shift_h + 1)) - max_shift_h
    shift_w = int(uniform(row, 1) * (2 * max_shift_w + 1)) - max_shift_w
    mirror = flip and uniform(row, 2) < 0.5
    src_h = h - shift_h
    src_w = w - shift_w
    if mirror:
        src_w = width - 1 - src_w
    if 0 <= src_h < height and 0 <= src_w < width:
        out[n, h, w, c] = x[n, src_h, src_w, c]
    else:
        out[n, h, w, c] = 0.0


def shift_flip(x, keys, stream, max_shift, flip):
    out = empty(x.shape, x.dtype)
    launch(_shift_flip, out.size)(x, keys, np.uint64(stream), max_shift[0], max_shift[1], flip, out)
    return out
