"""2-D pooling layers over channels-last feature maps: max, average, stochastic."""

from ...ops.cpu.masks import stream_key
from ...ops.shapes import pool_geometry
from .base import Layer


class Pool2D(Layer):
    """Base of the pooling layers: windows of ``pool`` every ``stride`` pixels, starting
    ``pad`` pixels before the map (padded positions take no part in a window).

    Output shape ``(n, (H + 2 pad - pool) // stride + 1, (W + 2 pad - pool) // stride + 1,
    C)``.

    Parameters
    ----------
    in_shape : (H, W, C)
    pool, stride : (int, int)
    pad : (int, int)
        At most half the window along each axis.
    """

    def __init__(self, in_shape, pool=(2, 2), stride=None, pad=(0, 0)):
        self.in_shape = tuple(in_shape)
        self.pool = tuple(pool)
        self.stride = self.pool if stride is None else tuple(stride)
        self.pad = tuple(pad)
        self.out_hw = pool_geometry(self.in_shape[:2], self.pool, self.stride, self.pad)

    @property
    def out_shape(self):
        return self.out_hw + (self.in_shape[2],)

    @property
    def label(self):
        text = f"{type(self).__name__} {self.pool[0]}x{self.pool[1]}"
        if self.stride != self.pool:
            text += f" stride {self.stride[0]}"
        return text + f" pad {self.pad[0]}" if any(self.pad) else text


class MaxPool2D(Pool2D):
    """The maximum of each window; the gradient goes to the maximum's position."""

    applies_relu = False
    """Set by :func:`skdeep.nn.network.fuse_relu_max_pool` when a ReLU layer comes right
    before this one: the ReLU is then applied to this layer's output, a quarter of its
    input for 2x2 windows, with the same result (the largest of clamped values is the
    clamped largest value)."""

    applied_before = False
    """Set by :func:`skdeep.nn.network.fuse_batch_norm_max_pool` when the batch norm layer
    before this one pools: forward and backward then pass through."""

    def forward(self, x, ctx):
        if self.applied_before:
            return x
        backend = self.backend
        out, index = backend.max_pool2d(x, self.pool, self.stride, self.out_hw, self.pad)
        if self.applies_relu:
            out = backend.activation("relu", out)
        if ctx.training:
            self._index, self._x_shape = index, x.shape
            if self.applies_relu:
                self._out = out
        return out

    def backward(self, dy):
        if self.applied_before:
            return dy
        if self.applies_relu:
            # The ReLU's gradient gates on out > 0, which holds where its input was > 0.
            dy = self.backend.activation_backward("relu", dy, self._out, self._out)
        return self.backend.pool2d_backward_from_index(dy, self._index, self._x_shape,
                                                       self.pool, self.stride, self.pad)


class AvgPool2D(Pool2D):
    """The mean of each window; the gradient is spread evenly over it."""

    def forward(self, x, ctx):
        if ctx.training:
            self._x_shape = x.shape
        return self.backend.avg_pool2d(x, self.pool, self.stride, self.out_hw, self.pad)

    def backward(self, dy):
        return self.backend.avg_pool2d_backward(dy, self.pool, self.stride, self._x_shape,
                                               self.pad)


class StochasticPool2D(Pool2D):
    """Stochastic pooling (Zeiler & Fergus, 2013).

    While training each window outputs one activation drawn with probability proportional
    to ``max(x, 0)``; the draw is keyed by the sample's content, the epoch and
    ``layer_id``, like dropout masks. At predict time each window outputs the
    probability-weighted average ``sum a^2 / sum a``.
    """

    uses_row_keys = True
    stochastic = True

    def __init__(self, in_shape, pool=(2, 2), stride=None, pad=(0, 0), layer_id=0):
        super().__init__(in_shape, pool, stride, pad)
        self.layer_id = layer_id

    def forward(self, x, ctx):
        backend = self.backend
        if not ctx.training:
            return backend.stochastic_pool2d_expectation(x, self.pool, self.stride, self.out_hw,
                                                        self.pad)
        stream = stream_key(ctx.seed, ctx.epoch, self.layer_id)
        out, self._index = backend.stochastic_pool2d_sample(x, ctx.row_keys, stream, self.pool,
                                                            self.stride, self.out_hw, self.pad)
        self._x_shape = x.shape
        return out

    def backward(self, dy):
        return self.backend.pool2d_backward_from_index(dy, self._index, self._x_shape,
                                                       self.pool, self.stride, self.pad)
