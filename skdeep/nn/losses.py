"""The losses a network can train: one named record each.

The maths (value, gradient and link on the raw output) lives in the backends' kernels
(:mod:`skdeep.ops.cpu.losses`, :mod:`skdeep.ops.cuda.losses`), looked up by the same name.
"""

from typing import NamedTuple


class Loss(NamedTuple):
    """A named loss and the estimators it serves."""

    name: str
    task: str
    """``"classification"`` (raw outputs are logits) or ``"regression"``."""


LOSSES = {
    record.name: record
    for record in [
        Loss("softmax_cross_entropy", "classification"),
        Loss("sigmoid_cross_entropy", "classification"),
        Loss("squared_error", "regression"),
        Loss("absolute_error", "regression"),
        Loss("huber", "regression"),
    ]
}
"""Losses by name."""

REGRESSION_LOSSES = tuple(name for name, loss in LOSSES.items() if loss.task == "regression")
