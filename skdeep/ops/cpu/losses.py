"""Losses on the network's raw output, keyed by name.

Each loss has ``value_and_gradient(raw, y, p)`` and ``link(raw)``:

- ``raw`` is the output layer before any output nonlinearity (logits for classifiers),
  ``y`` the encoded targets of the same shape, ``p`` the per-sample weights normalized to
  sum to one (the batch's share of each sample). The value is the ``p``-weighted mean of
  the per-sample losses; the gradient is ``dvalue/draw``.
- ``link`` maps raw outputs to predictions: probabilities for classifiers, values for
  regressors.

Working on raw outputs keeps cross-entropy finite where a probability would round to 0.
"""

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy.special import expit

from .._constants import HUBER_DELTA


def _log_softmax(raw):
    shifted = raw - raw.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _weighted_mean(per_sample, p):
    return float(np.dot(p, per_sample))


def _softmax_cross_entropy(raw, y, p):
    log_proba = _log_softmax(raw)
    value = -_weighted_mean(np.sum(y * log_proba, axis=1), p)
    grad = (np.exp(log_proba) - y) * p[:, None]
    return value, grad


def _sigmoid_cross_entropy(raw, y, p):
    # log(1 + exp(raw)) - y * raw, summed over outputs: the binary log loss of each label.
    per_element = np.logaddexp(0, raw) - y * raw
    value = _weighted_mean(per_element.sum(axis=1), p)
    grad = (expit(raw) - y) * p[:, None]
    return value, grad


def _squared_error(raw, y, p):
    residual = raw - y
    n_outputs = raw.shape[1]
    value = 0.5 * _weighted_mean(np.mean(residual * residual, axis=1), p)
    grad = residual * (p[:, None] / n_outputs)
    return value, grad


def _absolute_error(raw, y, p):
    residual = raw - y
    n_outputs = raw.shape[1]
    value = _weighted_mean(np.mean(np.abs(residual), axis=1), p)
    grad = np.sign(residual) * (p[:, None] / n_outputs)
    return value, grad


def _huber(raw, y, p):
    residual = raw - y
    n_outputs = raw.shape[1]
    magnitude = np.abs(residual)
    quadratic = np.minimum(magnitude, HUBER_DELTA)
    per_element = 0.5 * quadratic * quadratic + HUBER_DELTA * (magnitude - quadratic)
    value = _weighted_mean(np.mean(per_element, axis=1), p)
    grad = np.clip(residual, -HUBER_DELTA, HUBER_DELTA) * (p[:, None] / n_outputs)
    return value, grad


def _softmax(raw):
    return np.exp(_log_softmax(raw))


def _identity(raw):
    return raw


class LossKernels(NamedTuple):
    """A loss's value with its gradient, and its link."""

    value_and_gradient: Callable
    """``value_and_gradient(raw, y, p) -> (float, dvalue/draw)``."""
    link: Callable
    """``link(raw) -> predictions``."""


LOSSES = {
    "softmax_cross_entropy": LossKernels(_softmax_cross_entropy, _softmax),
    "sigmoid_cross_entropy": LossKernels(_sigmoid_cross_entropy, expit),
    "squared_error": LossKernels(_squared_error, _identity),
    "absolute_error": LossKernels(_absolute_error, _identity),
    "huber": LossKernels(_huber, _identity),
}
"""Losses on the CPU, by name."""


def loss_and_gradient(name, raw, y, p):
    """The loss's value (a float) and its gradient in ``raw``'s dtype."""
    value, grad = LOSSES[name].value_and_gradient(raw, y, p)
    return value, grad.astype(raw.dtype, copy=False)


def link(name, raw):
    return LOSSES[name].link(raw)
