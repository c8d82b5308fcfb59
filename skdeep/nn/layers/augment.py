"""Training-time data augmentation of image inputs."""

from ...ops.cpu.masks import stream_key
from .base import Layer

MAX_SHIFT = 2
"""Largest shift, in pixels, of ``"shift"`` augmentation."""


class Augment(Layer):
    """Random shifts (up to ``MAX_SHIFT`` pixels, zeros shifted in) and/or horizontal
    flips of each (n, H, W, C) training image, redrawn every epoch; the identity at
    predict time. The network's first layer: it has no gradient to pass back.

    An axis of length 1 (the height of a 1-D signal) is not shifted. Draws are keyed by
    each sample's content, the epoch and ``layer_id``.

    Parameters
    ----------
    kind : {"shift", "flip", "shift_flip"}
    layer_id : int
    """

    uses_row_keys = True
    stochastic = True

    needs_input_grad = False

    def __init__(self, kind, layer_id=0):
        self.kind = kind
        self.layer_id = layer_id

    def forward(self, x, ctx):
        if not ctx.training:
            return x
        shift = MAX_SHIFT if "shift" in self.kind else 0
        max_shift = (min(shift, x.shape[1] - 1), min(shift, x.shape[2] - 1))
        stream = stream_key(ctx.seed, ctx.epoch, self.layer_id)
        return self.backend.shift_flip(x, ctx.row_keys, stream, max_shift, "flip" in self.kind)

    def backward(self, dy):
        return None
