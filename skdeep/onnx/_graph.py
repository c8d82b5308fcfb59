"""A small helper over skl2onnx's scope and container: constants and one-output nodes."""

import numpy as np
from onnx import TensorProto

_TYPES = {np.dtype(np.float32): TensorProto.FLOAT, np.dtype(np.int64): TensorProto.INT64}


class Graph:
    """Adds nodes and constants to the ONNX graph of one operator.

    Parameters
    ----------
    scope : skl2onnx Scope
        Gives unique names.
    container : skl2onnx ModelComponentContainer
        Collects the nodes and initializers.
    """

    def __init__(self, scope, container):
        self.scope = scope
        self.container = container

    def name(self, hint):
        return self.scope.get_unique_variable_name(hint)

    def const(self, value, dtype=np.float32, hint="const"):
        """An initializer holding ``value`` (float32 unless ``dtype`` says int64)."""
        array = np.asarray(value, dtype=dtype)
        name = self.name(hint)
        self.container.add_initializer(name, _TYPES[array.dtype], list(array.shape),
                                       array.ravel().tolist())
        return name

    def strings(self, values, hint="classes"):
        """A 1-D string initializer (class labels)."""
        name = self.name(hint)
        self.container.add_initializer(name, TensorProto.STRING, [len(values)],
                                       [str(v).encode() for v in values])
        return name

    def op(self, op_type, inputs, output=None, **attrs):
        """A node with one output; returns the output's name (``output`` or a new one)."""
        output = output or self.name(op_type.lower())
        self.container.add_node(op_type, list(inputs), [output],
                                name=self.scope.get_unique_operator_name(op_type), **attrs)
        return output

    def slice(self, x, starts, ends, axes, steps=None):
        """``x`` cut along ``axes`` (ONNX Slice with its arguments as int64 constants)."""
        steps = [1] * len(axes) if steps is None else steps
        args = [self.const(v, np.int64, hint) for v, hint in
                [(starts, "starts"), (ends, "ends"), (axes, "axes"), (steps, "steps")]]
        return self.op("Slice", [x, *args])
