"""Reductions over the network's flat buffers: penalties on weights, gradient clipping,
finiteness."""

import numpy as np


def penalty_value(weights, l1, l2):
    """``l1 * sum|w| + l2 / 2 * sum w**2`` over the penalized weights."""
    value = 0.0
    if l1:
        value += l1 * float(np.sum(np.abs(weights), dtype=np.float64))
    if l2:
        value += 0.5 * l2 * float(np.dot(weights, weights))
    return value


def add_penalty_gradient(weights, grad, l1, l2):
    """Add the penalty's gradient (``l1 * sign(w) + l2 * w``) to ``grad`` in place."""
    if l1:
        grad += weights.dtype.type(l1) * np.sign(weights)
    if l2:
        grad += weights.dtype.type(l2) * weights


def clip_gradient(grad, clip_norm=None, clip_value=None):
    """Clip in place: rescale to global L2 norm ``clip_norm``, or clamp each entry to
    ``[-clip_value, clip_value]``. None leaves the gradient as it is."""
    if clip_norm is not None:
        norm = float(np.sqrt(np.dot(grad, grad)))
        if norm > clip_norm:
            grad *= grad.dtype.type(clip_norm / norm)
    if clip_value is not None:
        np.clip(grad, -clip_value, clip_value, out=grad)


def penalty(weights, grad, l1, l2):
    """Add the L1/L2 penalty's gradient to ``grad``; return the penalty's value."""
    add_penalty_gradient(weights, grad, l1, l2)
    return penalty_value(weights, l1, l2)


def is_finite(a):
    return bool(np.isfinite(a).all())
