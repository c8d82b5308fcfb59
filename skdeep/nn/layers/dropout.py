"""Inverted dropout."""

from ...ops.cpu.masks import stream_key
from .base import Layer


class Dropout(Layer):
    """Zeroes each unit with probability ``rate`` while training, scaling the rest by
    ``1 / (1 - rate)``; the identity at predict time. Shape unchanged.

    Masks are keyed by each sample's content, the epoch and ``layer_id`` (see
    :mod:`skdeep.ops.cpu.masks`).
    """

    uses_row_keys = True
    stochastic = True

    def __init__(self, rate, layer_id=0):
        self.rate = rate
        self.layer_id = layer_id

    @property
    def label(self):
        return f"{type(self).__name__} {self.rate:g}"

    def forward(self, x, ctx):
        if not ctx.training:
            return x
        if self.rate == 0:
            self._mask = None
            return x
        stream = stream_key(ctx.seed, ctx.epoch, self.layer_id)
        shape = self._mask_shape(x)
        self._mask = self.backend.keep_mask(ctx.row_keys, stream, self.rate, shape, x.dtype)
        return self.backend.multiply(x, self._mask)

    def _mask_shape(self, x):
        """Shape of the mask, broadcast against ``x``: one entry per unit."""
        return x.shape

    def backward(self, dy):
        return dy if self._mask is None else self.backend.multiply(dy, self._mask)
