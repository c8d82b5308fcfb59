"""Declared constraints of the hyperparameters shared by all skdeep estimators."""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from .nn.activations import ACTIVATIONS
from .nn.initializers import INITIALIZERS
from .nn.optimizers import OPTIMIZERS
from .nn.schedules import SCHEDULES


def _unit_interval_left_closed():
    return [Interval(Real, 0, 1, closed="left")]


SHARED_PARAMETER_CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "activation": [StrOptions(set(ACTIVATIONS))],
    "initializer": [StrOptions({"auto"} | set(INITIALIZERS))],
    "optimizer": [StrOptions(set(OPTIMIZERS))],
    "learning_rate": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
    "lr_schedule": [StrOptions(set(SCHEDULES))],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "beta_1": _unit_interval_left_closed(),
    "beta_2": _unit_interval_left_closed(),
    "rho": _unit_interval_left_closed(),
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "batch_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"}), None],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "dropout": _unit_interval_left_closed(),
    "dropconnect": _unit_interval_left_closed(),
    "l1": [Interval(Real, 0, None, closed="left")],
    "l2": [Interval(Real, 0, None, closed="left")],
    "batch_norm": ["boolean"],
    "clip_norm": [Interval(Real, 0, None, closed="neither"), None],
    "clip_value": [Interval(Real, 0, None, closed="neither"), None],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
    "tol": [Interval(Real, 0, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "device": [StrOptions({"auto", "cpu", "cuda"})],
}
