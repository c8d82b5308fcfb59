"""Concatenation along channels on the CPU: the outputs of parallel branches side by side
(an inception module, a dense layer's input and its new maps), and the split of a
gradient back into the branches' parts."""

import numpy as np


def concat_channels(parts):
    """Channels-last maps of the same (N, H, W) joined along the channel axis."""
    return np.concatenate(parts, axis=-1)


def split_channels(dy, sizes):
    """The gradient of :func:`concat_channels`: ``dy``'s channels cut into parts of
    ``sizes`` channels (contiguous arrays)."""
    bounds = np.cumsum((0,) + tuple(sizes))
    return [np.ascontiguousarray(dy[..., a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
