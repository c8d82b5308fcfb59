"""The layer protocol: forward, backward, and the parameters a layer declares."""

from dataclasses import dataclass

from .._host import host_backend


@dataclass(frozen=True)
class ParamSpec:
    """A trainable array a layer needs.

    Attributes
    ----------
    name : str
        Attribute the network binds the array to; its gradient is bound to ``"d" + name``.
    shape : tuple of int
    init : {"weights", "zeros", "ones"}
        ``"weights"`` uses the network's initializer with ``fan_in`` and ``fan_out``.
    decay : bool
        Whether L1/L2 penalties and weight decay apply (weights yes; biases and
        batch-norm scale and shift no).
    fan_in, fan_out : int
    """

    name: str
    shape: tuple
    init: str = "zeros"
    decay: bool = False
    fan_in: int = 1
    fan_out: int = 1


def bias_or_zeros(layer, width):
    """``layer.b``, or zeros for a layer without a bias (``layer.bias`` False: one that
    batch norm follows)."""
    return layer.b if layer.bias else layer.backend.zeros((width,), layer.W.dtype)


def bias_gradient_or_scratch(layer, width):
    """``layer.db``, or a scratch array the kernels may write for a layer without a bias."""
    return layer.db if layer.bias else layer.backend.zeros((width,), layer.W.dtype)


class Layer:
    """Base class. A layer maps ``x`` to ``y`` and ``dL/dy`` back to ``dL/dx``.

    ``forward(x, ctx)`` keeps what ``backward`` needs only when ``ctx.training``.
    ``backward(dy)`` writes the gradients of the layer's parameters into the arrays bound
    as ``d<name>`` and returns ``dL/dx`` (or None when ``needs_input_grad`` is False).
    """

    needs_input_grad = True
    @property
    def backend(self):
        """Where the arrays live and the kernels run: the network sets it on every layer
        (a layer on its own computes on the CPU)."""
        return self.__dict__.get("backend") or host_backend()

    @backend.setter
    def backend(self, backend):
        self.__dict__["backend"] = backend
    uses_row_keys = False
    """Whether the layer draws per-sample masks, keyed by the samples' content."""
    stochastic = False
    """Whether training draws random masks in this layer."""
    convolutional = False
    """Whether the layer works on images (channels-last maps)."""
    buffers = ()
    """Names of non-trained state (e.g. running statistics) saved with the weights."""
    frozen = False
    """Whether the layer's parameters stay as they are while the network trains (set
    before the network is built; batch norm then normalizes with its running
    statistics)."""

    @property
    def label(self):
        """The layer as a summary table names it (its kind, and settings worth seeing)."""
        return type(self).__name__

    def param_specs(self):
        """The trainable arrays of this layer, as a list of :class:`ParamSpec`."""
        return []

    def forward(self, x, ctx):
        raise NotImplementedError

    def backward(self, dy):
        raise NotImplementedError

    def release_caches(self):
        """Forget what the last training forward pass kept for backward (``_``-prefixed)."""
        for name in [name for name in vars(self) if name.startswith("_")]:
            delattr(self, name)

    def __getstate__(self):
        # Parameter and gradient arrays are views into the network's flat buffers: the
        # network pickles the parameters once and binds the views again when loaded.
        # Training caches are not pickled.
        # The backend is the network's to set (on loading: the CPU).
        bound = {spec.name for spec in self.param_specs()}
        bound |= {"d" + name for name in bound} | {"backend"}
        return {k: v for k, v in self.__dict__.items() if k not in bound and not k.startswith("_")}
