"""Weight initializers, keyed by name.

Each takes ``(shape, fan_in, fan_out, rng, dtype)`` and returns a new array. Biases and
batch-norm shifts always start at zero, batch-norm scales at one; these functions only
initialize weights.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .activations import ACTIVATIONS

NORMAL_STD = 0.01
UNIFORM_LIMIT = 0.05


def _zeros(shape, fan_in, fan_out, rng, dtype):
    return np.zeros(shape, dtype=dtype)


def _normal(shape, fan_in, fan_out, rng, dtype):
    return (rng.standard_normal(shape) * NORMAL_STD).astype(dtype)


def _uniform(shape, fan_in, fan_out, rng, dtype):
    return rng.uniform(-UNIFORM_LIMIT, UNIFORM_LIMIT, shape).astype(dtype)


def _scaled_normal(scale):
    def init(shape, fan_in, fan_out, rng, dtype):
        std = np.sqrt(scale(fan_in, fan_out))
        return (rng.standard_normal(shape) * std).astype(dtype)

    return init


def _scaled_uniform(scale):
    def init(shape, fan_in, fan_out, rng, dtype):
        limit = np.sqrt(3.0 * scale(fan_in, fan_out))
        return rng.uniform(-limit, limit, shape).astype(dtype)

    return init


def _glorot_variance(fan_in, fan_out):
    return 2.0 / (fan_in + fan_out)


def _he_variance(fan_in, fan_out):
    return 2.0 / fan_in


def _lecun_variance(fan_in, fan_out):
    return 1.0 / fan_in


class Initializer(NamedTuple):
    """A named weight initializer."""

    name: str
    draw: Callable
    """``draw(shape, fan_in, fan_out, rng, dtype) -> ndarray``."""


INITIALIZERS = {
    record.name: record
    for record in [
        Initializer("zeros", _zeros),
        Initializer("normal", _normal),
        Initializer("uniform", _uniform),
        Initializer("glorot_normal", _scaled_normal(_glorot_variance)),
        Initializer("glorot_uniform", _scaled_uniform(_glorot_variance)),
        Initializer("he_normal", _scaled_normal(_he_variance)),
        Initializer("he_uniform", _scaled_uniform(_he_variance)),
        Initializer("lecun_normal", _scaled_normal(_lecun_variance)),
    ]
}
"""Weight initializers by name."""


def resolve_initializer(initializer, activation):
    """Return the initializer name that ``"auto"`` stands for with this activation.

    He initialization for the ReLU family and maxout, Glorot (uniform) otherwise.
    """
    if initializer != "auto":
        return initializer
    return "he_uniform" if ACTIVATIONS[activation].he_family else "glorot_uniform"
