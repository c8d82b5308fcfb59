"""Weight initializers, keyed by name.

Each takes ``(shape, fan_in, fan_out, rng, dtype)`` and returns a new array. Biases and
batch-norm shifts always start at zero, batch-norm scales at one; these functions only
initialize weights.
"""

import numpy as np

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


INITIALIZERS = {
    "zeros": _zeros,
    "normal": _normal,
    "uniform": _uniform,
    "glorot_normal": _scaled_normal(_glorot_variance),
    "glorot_uniform": _scaled_uniform(_glorot_variance),
    "he_normal": _scaled_normal(_he_variance),
    "he_uniform": _scaled_uniform(_he_variance),
    "lecun_normal": _scaled_normal(_lecun_variance),
}
"""Weight initializers: name -> init(shape, fan_in, fan_out, rng, dtype)."""

_HE_FAMILY = {"relu", "leaky_relu", "elu", "maxout"}


def resolve_initializer(initializer, activation):
    """Return the initializer name that ``"auto"`` stands for with this activation.

    He initialization for the ReLU family and maxout, Glorot (uniform) otherwise.
    """
    if initializer != "auto":
        return initializer
    return "he_uniform" if activation in _HE_FAMILY else "glorot_uniform"
