"""Residual shortcuts: ``x + F(x)`` around a conv block.

The shortcut is a pair of layers placed around the block in the flat layer list:
:class:`ResidualFork` keeps the block's input, :class:`ResidualAdd` adds it (or its 1x1
projection) to the block's output. In backward, the add sends the gradient both ways
and the fork sums what comes back through the block and through the shortcut.
"""

from ...ops.shapes import ConvGeometry
from .base import Layer, ParamSpec


class ResidualFork(Layer):
    """Marks the input of a residual block; shape unchanged."""

    def forward(self, x, ctx):
        self._x = x
        return x

    def block_input(self):
        """The block's input in the current forward pass (what the shortcut carries)."""
        return self._x

    def receive_shortcut_gradient(self, d_shortcut):
        """The gradient that reaches the block's input through the shortcut (None when no
        layer before the block trains)."""
        self._d_shortcut = d_shortcut

    def backward(self, dy):
        if not self.needs_input_grad:
            return None
        return self.backend.add(dy, self._d_shortcut)


class ResidualAdd(Layer):
    """``y = x + shortcut(fork input)``.

    The shortcut is the identity when the channel counts match, else a 1x1 convolution
    (a projection, with weights and bias). When the block changes the spatial size
    (stride or valid padding), the shortcut reads every ``stride``-th pixel starting at
    ``offset``, the centre of the block's first receptive field.

    Parameters
    ----------
    fork : ResidualFork
    in_shape, out_shape : (H, W, C)
        The block's input and output shapes.
    stride : (int, int)
    offset : (int, int)
    """

    def __init__(self, fork, in_shape, out_shape, stride=(1, 1), offset=(0, 0)):
        self.fork = fork
        self.in_shape = tuple(in_shape)
        self.out_shape = tuple(out_shape)
        self.stride = tuple(stride)
        self.offset = tuple(offset)
        self.project = in_shape[2] != out_shape[2]

    def param_specs(self):
        if not self.project:
            return []
        c_in, c_out = self.in_shape[2], self.out_shape[2]
        return [
            ParamSpec("W", (c_in, c_out), "weights", True, c_in, c_out),
            ParamSpec("b", (c_out,)),
        ]

    def _geometry(self):
        """The 1x1 projection's geometry: a negative padding starts it at ``offset``."""
        return ConvGeometry(self.out_shape[0], self.out_shape[1], -self.offset[0],
                            -self.offset[1])

    def forward(self, x, ctx):
        backend, source = self.backend, self.fork.block_input()
        if self.project:
            shortcut = backend.conv2d(source, self.W, self.b, (1, 1), self.stride,
                                      self._geometry())
        else:
            shortcut = backend.strided_window(source, self.offset, self.stride,
                                              self.out_shape[:2])
        return backend.add(x, shortcut)

    def backward(self, dy):
        backend, source = self.backend, self.fork.block_input()
        if self.project:
            d_source = backend.conv2d_backward(
                dy, source, self.W, (1, 1), self.stride, self._geometry(),
                self.fork.needs_input_grad, self.dW, self.db,
            )
        elif self.fork.needs_input_grad:
            d_source = backend.strided_window_backward(dy, source.shape, self.offset,
                                                       self.stride)
        else:
            d_source = None
        self.fork.receive_shortcut_gradient(d_source)
        return dy
