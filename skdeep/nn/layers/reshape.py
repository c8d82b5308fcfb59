"""Flatten: feature maps to the rows a dense layer takes."""

from .base import Layer


class Flatten(Layer):
    """(n, H, W, C) -> (n, H * W * C)."""

    def forward(self, x, ctx):
        if ctx.training:
            self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dy):
        return dy.reshape(self._shape)
