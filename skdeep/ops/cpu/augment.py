"""Random shifts and horizontal flips of channels-last images, for training-time
augmentation. Each image's draw is a hash of its key and a stream key."""

import numpy as np
from numba import njit

from .random import mix, uniform
from .threads import kernel_threads, over_ranges


@njit(cache=True, nogil=True)
def _shift_flip(x, keys, stream, max_shift_h, max_shift_w, flip, out, first, stop):
    """``out[n]`` is ``x[n]`` mirrored left-right (with probability 1/2 when ``flip``), then
    shifted by up to ``max_shift`` pixels per axis (uniform), with zeros shifted in."""
    height, width, channels = x.shape[1], x.shape[2], x.shape[3]
    for n in range(first, stop):
        row = mix(keys[n] ^ stream)
        shift_h = int(uniform(row, 0) * (2 * max_shift_h + 1)) - max_shift_h
        shift_w = int(uniform(row, 1) * (2 * max_shift_w + 1)) - max_shift_w
        mirror = flip and uniform(row, 2) < 0.5
        for h in range(height):
            src_h = h - shift_h
            for w in range(width):
                src_w = w - shift_w
                if mirror:
                    src_w = width - 1 - src_w
                inside = 0 <= src_h < height and 0 <= src_w < width
                for c in range(channels):
                    out[n, h, w, c] = x[n, src_h, src_w, c] if inside else 0.0


def shift_flip(x, keys, stream, max_shift_hw, flip):
    """Randomly shifted (up to ``max_shift_hw`` pixels) and flipped copies of ``x``."""
    out = np.empty_like(x)
    with kernel_threads():
        over_ranges(_shift_flip, len(x), x, keys, np.uint64(stream), max_shift_hw[0],
                    max_shift_hw[1], flip, out)
    return out
