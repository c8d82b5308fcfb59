"""Learning-rate schedules: the factor applied to ``learning_rate`` at an epoch.

``"plateau"`` has no fixed factor: the training loop divides the rate by
:data:`PLATEAU_FACTOR` whenever progress stalls (see ``skdeep._convergence``).
"""

import math

STEP_EPOCHS = 10
STEP_FACTOR = 0.5
EXPONENTIAL_DECAY = 0.95
PLATEAU_FACTOR = 5.0
PLATEAU_MIN_LR = 1e-6


def _constant(epoch, max_iter):
    return 1.0


def _step(epoch, max_iter):
    return STEP_FACTOR ** (epoch // STEP_EPOCHS)


def _exponential(epoch, max_iter):
    return EXPONENTIAL_DECAY**epoch


def _invscaling(epoch, max_iter):
    return 1.0 / math.sqrt(epoch + 1)


def _cosine(epoch, max_iter):
    return 0.5 * (1.0 + math.cos(math.pi * min(epoch, max_iter) / max(max_iter, 1)))


SCHEDULES = {
    "constant": _constant,
    "step": _step,
    "exponential": _exponential,
    "invscaling": _invscaling,
    "cosine": _cosine,
    "plateau": _constant,
}
"""Schedules: name -> factor(epoch, max_iter), epochs counted from 0."""
