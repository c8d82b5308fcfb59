"""Maxout: the maximum over groups of linear pieces."""

import numpy as np

from .base import Layer


class Maxout(Layer):
    """Splits the last axis into groups of ``pieces`` consecutive units and keeps each max.

    Input shape ``(..., units * pieces)``; output shape ``(..., units)``: dense layers
    ``(n_samples, features)`` and channels-last feature maps ``(n, H, W, channels)`` alike.
    The layer before it therefore produces ``pieces`` linear functions per output unit.
    """

    def __init__(self, pieces=2):
        self.pieces = pieces

    def forward(self, x, ctx):
        grouped = x.reshape(x.shape[:-1] + (-1, self.pieces))
        winner = np.argmax(grouped, axis=-1)
        out = np.take_along_axis(grouped, winner[..., None], axis=-1)[..., 0]
        if ctx.training:
            self._winner = winner
            self._input_shape = x.shape
        return out

    def backward(self, dy):
        dx = np.zeros(dy.shape + (self.pieces,), dtype=dy.dtype)
        np.put_along_axis(dx, self._winner[..., None], dy[..., None], axis=-1)
        return dx.reshape(self._input_shape)
