"""Learning-rate schedules: the factor applied to ``learning_rate`` at an epoch.

``"plateau"`` has no fixed factor: the training loop divides the rate by
:data:`PLATEAU_FACTOR` whenever progress stalls (see ``skdeep._convergence``).
"""

import math
from collections.abc import Callable
from typing import NamedTuple

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


class Schedule(NamedTuple):
    """A named learning-rate schedule."""

    name: str
    factor: Callable
    """``factor(epoch, max_iter) -> float``, epochs counted from 0."""


SCHEDULES = {
    record.name: record
    for record in [
        Schedule("constant", _constant),
        Schedule("step", _step),
        Schedule("exponential", _exponential),
        Schedule("invscaling", _invscaling),
        Schedule("cosine", _cosine),
        Schedule("plateau", _constant),  # the training loop divides the rate on plateaus
    ]
}
"""Learning-rate schedules by name."""
