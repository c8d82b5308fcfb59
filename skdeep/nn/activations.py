"""The activations a network can use: one named record each.

The maths lives in the backends' kernels (:mod:`skdeep.ops.cpu.activations`,
:mod:`skdeep.ops.cuda.activations`), looked up by the same name. A new element-wise
activation is one record here plus its forward and backward rule in both.
"""

from typing import NamedTuple


class Activation(NamedTuple):
    """What a network needs to know of an activation besides its kernels."""

    name: str
    he_family: bool
    """Whether ``initializer="auto"`` picks He initialization (ReLU-like), else Glorot."""
    elementwise: bool = True
    """False for maxout, which changes the layer's width (a layer of its own)."""


ACTIVATIONS = {
    record.name: record
    for record in [
        Activation("identity", he_family=False),
        Activation("sigmoid", he_family=False),
        Activation("logistic", he_family=False),  # scikit-learn's name for the sigmoid
        Activation("tanh", he_family=False),
        Activation("relu", he_family=True),
        Activation("leaky_relu", he_family=True),
        Activation("elu", he_family=True),
        Activation("maxout", he_family=True, elementwise=False),
    ]
}
"""Activations by name."""
