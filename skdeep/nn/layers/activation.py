"""Element-wise activation layer."""

from ..activations import ACTIVATIONS
from .base import Layer


class Activation(Layer):
    """Applies a named element-wise activation (see :data:`skdeep.nn.activations.ACTIVATIONS`)."""

    def __init__(self, name):
        self.name = name

    def forward(self, x, ctx):
        forward, _ = ACTIVATIONS[self.name]
        out = forward(x)
        if ctx.training:
            self._z, self._a = x, out
        return out

    def backward(self, dy):
        _, backward = ACTIVATIONS[self.name]
        return backward(dy, self._z, self._a)
