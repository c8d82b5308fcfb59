"""A sequence of layers over one flat parameter buffer."""

import numpy as np

from .context import INFERENCE
from .initializers import INITIALIZERS
from .losses import LOSSES


class Network:
    """Layers applied in order, their parameters stored in one flat array.

    Every parameter a layer declares is a view into ``theta`` and its gradient a view into
    ``grad``, so an optimizer, a penalty or gradient clipping is one operation over a flat
    vector. Parameters subject to L1/L2 penalties (``ParamSpec.decay``) come first: they
    are ``theta[:n_decay]``.

    Parameters
    ----------
    layers : list of Layer
    loss : str
        Key of :data:`skdeep.nn.losses.LOSSES`.
    dtype : numpy dtype
        float32 or float64.
    """

    def __init__(self, layers, loss, dtype):
        self.layers = layers
        self.loss = loss
        self.dtype = np.dtype(dtype)
        specs = [(layer, spec) for layer in layers for spec in layer.param_specs()]
        self._specs = [s for s in specs if s[1].decay] + [s for s in specs if not s[1].decay]
        self.n_decay = sum(int(np.prod(s.shape)) for _, s in self._specs if s.decay)
        size = sum(int(np.prod(s.shape)) for _, s in self._specs)
        self.theta = np.zeros(size, dtype=self.dtype)
        self.grad = np.zeros(size, dtype=self.dtype)
        self._bind()
        # A layer needs the gradient of its input only when some layer before it trains.
        trains_before = False
        for layer in layers:
            layer.needs_input_grad = trains_before
            trains_before = trains_before or bool(layer.param_specs())

    def _bind(self):
        offset = 0
        for layer, spec in self._specs:
            size = int(np.prod(spec.shape))
            setattr(layer, spec.name, self.theta[offset : offset + size].reshape(spec.shape))
            setattr(layer, "d" + spec.name, self.grad[offset : offset + size].reshape(spec.shape))
            offset += size

    def __getstate__(self):
        state = self.__dict__.copy()
        state["grad"] = None  # recreated (zeros) when loaded
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.grad = np.zeros_like(self.theta)
        self._bind()

    def release_caches(self):
        """Free the activations every layer kept from the last training batch."""
        for layer in self.layers:
            layer.release_caches()

    def initialize(self, initializer, rng):
        """Draw the weights with the named initializer; zeros and ones for the rest."""
        for layer, spec in self._specs:
            target = getattr(layer, spec.name)
            if spec.init == "weights":
                init = INITIALIZERS[initializer]
                target[...] = init(spec.shape, spec.fan_in, spec.fan_out, rng, self.dtype)
            else:
                target[...] = 1.0 if spec.init == "ones" else 0.0

    def forward(self, x, ctx=INFERENCE):
        """Raw output of the last layer (before the loss's link)."""
        for layer in self.layers:
            x = layer.forward(x, ctx)
        return x

    def backward(self, d_out):
        """Fill ``grad`` from the gradient of the loss with respect to the raw output."""
        for layer in reversed(self.layers):
            d_out = layer.backward(d_out)
            if not layer.needs_input_grad:
                break

    def loss_and_gradient(self, x, y, sample_fraction, ctx):
        """Forward, loss, backward: returns the data loss and leaves its gradient in ``grad``."""
        raw = self.forward(x, ctx)
        value_and_gradient, _ = LOSSES[self.loss]
        p = sample_fraction
        if p is None:
            p = np.full(len(x), 1.0 / len(x), dtype=self.dtype)
        value, d_raw = value_and_gradient(raw, y, p)
        self.backward(d_raw.astype(self.dtype, copy=False))
        return value

    def predict(self, x):
        """The loss's link applied to the raw output: probabilities or values."""
        _, link = LOSSES[self.loss]
        return link(self.forward(x, INFERENCE))

    def snapshot(self):
        """Copies of the parameters and of every layer's running statistics."""
        buffers = [
            {name: getattr(layer, name).copy() for name in layer.buffers
             if getattr(layer, name) is not None}
            for layer in self.layers
        ]
        return self.theta.copy(), buffers

    def restore(self, snapshot):
        """Put back what :meth:`snapshot` returned."""
        theta, buffers = snapshot
        self.theta[...] = theta
        for layer, saved in zip(self.layers, buffers):
            for name, value in saved.items():
                setattr(layer, name, value.copy())

    def is_finite(self):
        return bool(np.isfinite(self.theta).all())
