"""Element-wise activation layer."""

from .base import Layer


class Activation(Layer):
    """Applies a named element-wise activation (see :data:`skdeep.nn.activations.ACTIVATIONS`)."""

    applied_before = False
    """Set by :func:`skdeep.nn.network.fuse_batch_norm_relu` when the batch norm layer
    before this ReLU applies it: forward and backward then pass through."""
    applied_after = False
    """Set by :func:`skdeep.nn.network.fuse_relu_max_pool` when the max pooling layer
    after this ReLU applies it: forward and backward then pass through."""

    def __init__(self, name):
        self.name = name

    @property
    def label(self):
        return f"Activation {self.name}"

    def forward(self, x, ctx):
        if self.applied_before or self.applied_after:
            return x
        out = self.backend.activation(self.name, x)
        if ctx.training:
            self._z, self._a = x, out
        return out

    def backward(self, dy):
        if self.applied_before or self.applied_after:
            return dy
        return self.backend.activation_backward(self.name, dy, self._z, self._a)
