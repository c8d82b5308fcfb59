"""Fully connected layer, with optional DropConnect."""

from ...ops.cpu.masks import stream_key
from .base import Layer, ParamSpec, bias_gradient_or_scratch, bias_or_zeros


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
    bias : bool
        Whether the layer adds a trained bias (none before batch norm, which subtracts it
        again: see :class:`~skdeep.nn.layers.Conv2D`).
    """

    @property
    def stochastic(self):
        return self.dropconnect > 0

    def __init__(self, n_in, n_out, dropconnect=0.0, layer_id=0, bias=True):
        self.n_in = n_in
        self.n_out = n_out
        self.dropconnect = dropconnect
        self.layer_id = layer_id
        self.bias = bias

    def param_specs(self):
        weights = ParamSpec("W", (self.n_in, self.n_out), "weights", True, self.n_in,
                            self.n_out)
        return [weights, ParamSpec("b", (self.n_out,))] if self.bias else [weights]

    def forward(self, x, ctx):
        backend, weights = self.backend, self.W
        if ctx.training:
            self._x = x
            self._mask = None
            if self.dropconnect > 0:
                stream = stream_key(ctx.seed, ctx.step, self.layer_id)
                one_row = (1, self.W.size)
                self._mask = backend.keep_mask(
                    None, stream, self.dropconnect, one_row, self.W.dtype
                ).reshape(self.W.shape)
                weights = backend.multiply(self.W, self._mask)
            self._used_weights = weights
        return backend.dense_forward(x, weights, bias_or_zeros(self, self.n_out))

    def backward(self, dy):
        backend = self.backend
        dbias = bias_gradient_or_scratch(self, self.n_out)
        dx = backend.dense_backward(self._x, dy, self._used_weights, self.dW, dbias,
                                    self.needs_input_grad)
        if self._mask is not None:
            backend.multiply_into(self.dW, self._mask)
        return dx
