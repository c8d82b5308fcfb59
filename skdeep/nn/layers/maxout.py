"""Maxout: the maximum over groups of linear pieces."""

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
        out, winner = self.backend.maxout(x, self.pieces)
        if ctx.training:
            self._winner = winner
            self._input_shape = x.shape
        return out

    def backward(self, dy):
        return self.backend.maxout_backward(dy, self._winner, self.pieces, self._input_shape)
