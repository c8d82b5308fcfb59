"""Fully connected layer, with optional DropConnect."""

import numpy as np

from ..masks import keep_mask, stream_key
from .base import Layer, ParamSpec


class Dense(Layer):
    """``y = x @ W + b``.

    Parameters
    ----------
    n_in, n_out : int
        Input and output widths. Output shape: ``(n_samples, n_out)``.
    dropconnect : float in [0, 1)
        While training, each weight is dropped with this probability and the kept ones
        are scaled by ``1 / (1 - dropconnect)``; one mask per optimizer step.
    layer_id : int
        Distinguishes this layer's random masks from other layers'.
    """

    def __init__(self, n_in, n_out, dropconnect=0.0, layer_id=0):
        self.n_in = n_in
        self.n_out = n_out
        self.dropconnect = dropconnect
        self.layer_id = layer_id

    def param_specs(self):
        return [
            ParamSpec("W", (self.n_in, self.n_out), "weights", True, self.n_in, self.n_out),
            ParamSpec("b", (self.n_out,)),
        ]

    def forward(self, x, ctx):
        weights = self.W
        if ctx.training:
            self._x = x
            self._mask = None
            if self.dropconnect > 0:
                stream = stream_key(ctx.seed, ctx.step, self.layer_id)
                one_row = (1, self.W.size)
                self._mask = keep_mask(
                    np.zeros(1, np.uint64), stream, self.dropconnect, one_row, self.W.dtype
                ).reshape(self.W.shape)
                weights = self.W * self._mask
            self._used_weights = weights
        out = x @ weights
        out += self.b
        return out

    def backward(self, dy):
        np.dot(self._x.T, dy, out=self.dW)
        if self._mask is not None:
            self.dW *= self._mask
        np.sum(dy, axis=0, out=self.db)
        if self.needs_input_grad:
            return dy @ self._used_weights.T
        return None
