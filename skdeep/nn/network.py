"""A sequence of layers over one flat parameter buffer."""

import numpy as np

from ._host import host_backend
from .context import INFERENCE
from .initializers import INITIALIZERS
from .layers import (
    Activation,
    AuxiliaryOutput,
    BatchNorm,
    MaxPool2D,
    grow_dense_blocks,
    inference_layers,
)


class Network:
    """Layers applied in order, their parameters stored in one flat array.

    Every parameter a layer declares is a view into ``theta`` and its gradient a view into
    ``grad``, so an optimizer, a penalty or gradient clipping is one operation over a flat
    vector. The parameters of frozen layers (``layer.frozen``) come first,
    ``theta[:n_frozen]``, and never change; of the trainable rest (:attr:`trainable_theta`)
    those subject to L1/L2 penalties (``ParamSpec.decay``) come first: they are
    ``trainable_theta[:n_decay]``.

    Parameters
    ----------
    layers : list of Layer
    loss : str
        Name of a loss in :data:`skdeep.nn.losses.LOSSES`.
    dtype : numpy dtype
        float32 or float64.
    backend : Backend, default=None
        Where the arrays start (None: the CPU); :meth:`to_backend` moves them. A pickled
        network always holds NumPy arrays.
    """

    def __init__(self, layers, loss, dtype, backend=None):
        self.backend = host_backend() if backend is None else backend
        self.layers = layers
        fuse_batch_norm_relu(layers)
        fuse_relu_max_pool(layers)
        fuse_batch_norm_max_pool(layers)
        grow_dense_blocks(layers)
        self.inference_layers = inference_layers(layers)
        self.auxiliary_outputs = [layer for layer in layers if isinstance(layer, AuxiliaryOutput)]
        for layer in layers:
            layer.backend = self.backend
        self.loss = loss
        self.dtype = np.dtype(dtype)
        specs = [(layer, spec) for layer in layers for spec in layer.param_specs()]
        frozen = [s for s in specs if s[0].frozen]
        trainable = [s for s in specs if not s[0].frozen]
        self._specs = frozen + [s for s in trainable if s[1].decay] + \
            [s for s in trainable if not s[1].decay]
        self.n_frozen = sum(int(np.prod(s.shape)) for _, s in frozen)
        self.n_decay = sum(int(np.prod(s.shape)) for _, s in trainable if s.decay)
        size = sum(int(np.prod(s.shape)) for _, s in self._specs)
        host = host_backend()  # update loops stream through theta, grad and the optimizer's
        self.theta = host.zeros(size, self.dtype, slot=0)  # state: placed apart (slots)
        self.grad = host.zeros(size, self.dtype, slot=1)
        self._bind()
        # A layer needs the gradient of its input only when some layer before it trains.
        trains_before = False
        for layer in layers:
            layer.needs_input_grad = trains_before
            trains_before = trains_before or (bool(layer.param_specs()) and not layer.frozen)

    @property
    def trainable_theta(self):
        """The parameters training changes: ``theta`` after the frozen layers' (a view)."""
        return self.theta[self.n_frozen:]

    @property
    def trainable_grad(self):
        """The gradient of :attr:`trainable_theta` (a view of ``grad``)."""
        return self.grad[self.n_frozen:]

    @property
    def uses_row_keys(self):
        """Whether some layer draws per-sample masks (keyed by the samples' content)."""
        return any(layer.uses_row_keys for layer in self.layers)

    @property
    def stochastic(self):
        """Whether training draws random masks (dropout, DropConnect, stochastic pooling,
        augmentation): the training loss is then a noisy estimate."""
        return any(layer.stochastic for layer in self.layers)

    @property
    def convolutional(self):
        """Whether the network has image layers (the CPU then runs parallel kernels)."""
        return any(layer.convolutional for layer in self.layers)

    def _bind(self):
        offset = 0
        for layer, spec in self._specs:
            size = int(np.prod(spec.shape))
            setattr(layer, spec.name, self.theta[offset : offset + size].reshape(spec.shape))
            setattr(layer, "d" + spec.name, self.grad[offset : offset + size].reshape(spec.shape))
            offset += size

    def to_backend(self, backend):
        """Move the parameters and running statistics to ``backend`` (a copy); returns self.

        Every layer then computes with ``backend``; moving to the backend the network is
        on does nothing.
        """
        if backend is self.backend:
            return self
        old = self.backend
        self.theta = backend.asarray(old.to_numpy(self.theta))
        self.grad = backend.zeros(self.theta.shape, self.dtype, slot=1)
        for layer in self.layers:
            layer.release_caches()
            for name in layer.buffers:
                value = getattr(layer, name)
                if value is not None:
                    setattr(layer, name, backend.asarray(old.to_numpy(value)))
            layer.backend = backend
        self.backend = backend
        self._bind()
        return self

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("backend", None)
        state["theta"] = self.backend.to_numpy(self.theta)
        state["grad"] = None  # recreated (zeros) when loaded
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.backend = host_backend()  # layers pickle without their backend: they load on the CPU
        for layer in self.layers:
            layer.backend = self.backend
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
                draw = INITIALIZERS[initializer].draw
                target[...] = draw(spec.shape, spec.fan_in, spec.fan_out, rng, self.dtype)
            else:
                target[...] = 1.0 if spec.init == "ones" else 0.0

    def forward(self, x, ctx=INFERENCE):
        """Raw output of the last layer (before the loss's link). Auxiliary classifiers
        run only while training."""
        for layer in self.layers if ctx.training else self.inference_layers:
            x = layer.forward(x, ctx)
        return x

    def backward(self, d_out):
        """Fill ``grad`` from the gradient of the loss with respect to the raw output.

        Each layer forgets its training caches as soon as its backward pass is done (a
        layer's backward pass reads only its own caches and those of layers before it), so
        the activations of the layers after it are not held while the rest runs."""
        for layer in reversed(self.layers):
            d_out = layer.backward(d_out)
            layer.release_caches()
            if not layer.needs_input_grad:
                break

    def loss_terms(self, x, y, sample_fraction, ctx):
        """Forward, loss, backward: returns the data loss and each auxiliary classifier's
        weighted loss (floats on the CPU, one-element device arrays on a GPU) and leaves
        the gradient of their sum in ``grad``."""
        backend = self.backend
        raw = self.forward(x, ctx)
        p = sample_fraction
        if p is None:
            p = backend.uniform_fraction(len(x), self.dtype)
        value, d_raw = backend.loss_and_gradient(self.loss, raw, y, p)
        terms = [value]
        for output in self.auxiliary_outputs:
            if output.frozen:  # a frozen branch learns nothing from its loss
                continue
            weighted = backend.scale(p, output.weight)  # the branch's share of the loss
            aux_value, d_aux = backend.loss_and_gradient(self.loss, output.raw_output(), y,
                                                         weighted)
            output.set_output_gradient(d_aux)
            terms.append(aux_value)
        self.backward(d_raw)
        return terms

    def loss_and_gradient(self, x, y, sample_fraction, ctx):
        """:meth:`loss_terms` summed into one float."""
        terms = self.loss_terms(x, y, sample_fraction, ctx)
        return sum(float(np.sum(self.backend.to_numpy(term))) for term in terms)

    def inference_loss(self, x, y, sample_fraction, chunk=256):
        """The data loss of the network without random masks (inference mode), as a float;
        ``sample_fraction`` sums to one over all of ``x``. Runs ``chunk`` samples at a time
        and reads one number back from the device."""
        total = self.backend.loss_total()
        for start in range(0, len(x), chunk):
            part = slice(start, start + chunk)
            raw = self.forward(x[part], INFERENCE)
            value, _ = self.backend.loss_and_gradient(self.loss, raw, y[part],
                                                      sample_fraction[part])
            total.add(1.0, value)
        return total.sum()

    def features(self, x):
        """The output layer's input at inference: the last hidden layer's activations."""
        for layer in self.inference_layers[:-1]:
            x = layer.forward(x, INFERENCE)
        return x

    def predict(self, x):
        """The loss's link applied to the raw output: probabilities or values."""
        return self.backend.link(self.loss, self.forward(x, INFERENCE))

    def snapshot(self):
        """Copies of the parameters and of every layer's running statistics."""
        copy = self.backend.copy
        buffers = [
            {name: copy(getattr(layer, name)) for name in layer.buffers
             if getattr(layer, name) is not None}
            for layer in self.layers
        ]
        return copy(self.theta), buffers

    def restore(self, snapshot):
        """Put back what :meth:`snapshot` returned (on the same backend)."""
        theta, buffers = snapshot
        self.backend.copy_into(self.theta, theta)
        for layer, saved in zip(self.layers, buffers):
            for name, value in saved.items():
                setattr(layer, name, self.backend.copy(value))

    def is_finite(self):
        return self.backend.is_finite(self.theta)


MIN_FUSED_POSITIONS = 64
"""Smallest maps (pixels) whose batch norm and max pooling :func:`fuse_batch_norm_max_pool`
fuses: on smaller ones the pair costs little either way, and fusing would compile three
more kernels on a first fit (the cold start of ``bench_startup.py``'s digits CNN, whose
second pair is on 4x4 maps, went from 5.1 to 6.2 s)."""


def fuse_batch_norm_max_pool(layers):
    """Let each trainable batch norm layer of 16 channels or more followed by a 2x2 max
    pooling layer (stride 2, no padding; directly, or after a ReLU the batch norm layer
    applies) on maps of :data:`MIN_FUSED_POSITIONS` pixels or more pool as well.

    The backend then normalizes and pools in one operation (on the CPU batch norm's own
    passes, :mod:`skdeep.ops.cpu.norm_pool`): the full-size normalized maps are
    never written, nor the full-size gradient pooling would route back. The same values
    and gradients as the separate layers, to the bit. All layers stay in the list; only
    their ``pools`` / ``applied_before`` flags change. With fewer channels the kernels'
    channel loops are too short for their vectors (16 values a step), and the pair ran
    2x slower forward and 1.5-1.8x backward than the two layers on 4-12 channels.
    """
    for i, norm in enumerate(layers[:-1]):
        if not isinstance(norm, BatchNorm) or norm.frozen or norm.n_features < 16:
            continue
        after = layers[i + 1]
        if isinstance(after, Activation) and after.applied_before and i + 2 < len(layers):
            after = layers[i + 2]
        if (type(after) is MaxPool2D and not after.applies_relu and after.pool == (2, 2)
                and after.stride == (2, 2) and after.pad == (0, 0)
                and after.in_shape[0] * after.in_shape[1] >= MIN_FUSED_POSITIONS):
            norm.pools = after.applied_before = True


def fuse_relu_max_pool(layers):
    """Let each max pooling layer directly after a ReLU layer (one that no batch norm
    layer applies already) apply that ReLU to its own output.

    ``max(relu(x)) == relu(max(x))``: the same values, and the same gradient (the window's
    largest input gets ``dy`` where it is positive; where it is not, nothing gets any),
    but the ReLU runs over the pooled maps, a quarter of the size for 2x2 windows, and
    keeps no copy of the full-size ones. Both layers stay in the list (summaries, transfer
    and export see them as before); only their ``applied_after`` / ``applies_relu`` flags
    change.
    """
    for activation, pool in zip(layers, layers[1:]):
        if (isinstance(activation, Activation) and activation.name == "relu"
                and not activation.applied_before and type(pool) is MaxPool2D):
            activation.applied_after = pool.applies_relu = True


def fuse_batch_norm_relu(layers):
    """Let each batch norm layer followed by a ReLU layer, directly or across a max pooling
    layer, apply that ReLU itself.

    The pair computes the same values (the same expressions, to the bit on the CPU), but
    the output is written once instead of twice, the ReLU keeps no copy of its input, and
    the backward pass gates the gradient inside batch norm's own passes. Both layers stay
    in the list (summaries, transfer and export see them as before); only their
    ``applies_relu`` / ``applied_before`` flags change.

    Across max pooling (skdeep's conv blocks: batch norm, pooling, ReLU) the ReLU moves
    before the pooling: ``max(relu(x)) == relu(max(x))``, and the gradients are the same
    bits (a window whose largest value is positive routes ``dy`` to the same position
    either way; any other window's gradient is gated to zero either way). Then
    :func:`fuse_batch_norm_max_pool` can take the pooling into batch norm's passes too.
    """
    for i, norm in enumerate(layers):
        if not isinstance(norm, BatchNorm):
            continue
        after = layers[i + 1:i + 3]
        if after and type(after[0]) is MaxPool2D and not after[0].applies_relu:
            after = after[1:]
        activation = after[0] if after else None
        if isinstance(activation, Activation) and activation.name == "relu":
            norm.applies_relu = activation.applied_before = True
