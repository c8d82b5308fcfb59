"""Optimizers over one flat parameter vector, in order of increasing complexity.

Each has ``step(theta, grad, lr)``, updating ``theta`` in place through its backend's fused
update (one loop on the CPU, one kernel on the GPU), and keeps its state (velocities,
squared-gradient averages) as flat arrays of the same dtype on the same device. Variants
are built by composition: Nesterov is momentum with a flag; RMSprop is AdaGrad whose sum
of squares decays; AdaDelta is RMSprop that also averages its steps; Adam is RMSprop plus
momentum; AdamW is Adam with decoupled weight decay.

A new optimizer is one class (its state, its hyperparameters, one call of its update) and
one record in :data:`OPTIMIZERS`, plus its fused update in :mod:`skdeep.ops.cpu.optimizers`
and :mod:`skdeep.ops.cuda.optimizers` (the backend's ``updates``).
"""

import math
from typing import NamedTuple

from ._host import host_backend


class Optimizer:
    """State arrays (named in ``state``) on a backend; ``to_backend`` moves them.

    ``hyperparameters`` names the estimator parameters the optimizer reads.
    """

    state = ()
    hyperparameters = ()

    def __init__(self, size, dtype, backend=None, **hyperparameters):
        self.backend = host_backend() if backend is None else backend
        for name in self.hyperparameters:
            setattr(self, name, hyperparameters[name])
        for slot, name in enumerate(self.state, start=2):  # theta and grad: slots 0 and 1
            setattr(self, name, self.backend.zeros(size, dtype, slot=slot))

    def to_backend(self, backend):
        """Move the state arrays to ``backend`` (a copy); returns self."""
        if backend is self.backend:
            return self
        for name in self.state:
            host = self.backend.to_numpy(getattr(self, name))
            setattr(self, name, backend.asarray(host))
        self.backend = backend
        return self

    def __getstate__(self):
        state = self.__dict__.copy()  # pickles hold NumPy arrays, whatever the device
        for name in self.state:
            state[name] = self.backend.to_numpy(state[name])
        state["backend"] = host_backend()
        return state


class SGD(Optimizer):
    """``theta -= lr * g``."""

    def step(self, theta, grad, lr):
        self.backend.updates.sgd_step(theta, grad, lr)


class Momentum(SGD):
    """Heavy ball: ``v = momentum * v - lr * g; theta += v``.

    With ``nesterov=True`` the step looks ahead: ``theta += momentum * v - lr * g``.
    """

    state = ("velocity",)
    hyperparameters = ("momentum", "nesterov")

    def step(self, theta, grad, lr):
        self.backend.updates.momentum_step(theta, grad, self.velocity, lr, self.momentum,
                                           self.nesterov)


class AdaGrad(Optimizer):
    """Per-parameter rates shrinking with the sum of squared gradients:
    ``s += g**2; theta -= lr * g / (sqrt(s) + eps)``."""

    state = ("sq_sum",)
    hyperparameters = ("epsilon",)

    def step(self, theta, grad, lr):
        self.backend.updates.adagrad_step(theta, grad, self.sq_sum, lr, self.epsilon)


class RMSprop(AdaGrad):
    """AdaGrad whose sum decays: ``s = rho * s + (1 - rho) * g**2;
    theta -= lr * g / (sqrt(s) + eps)``."""

    state = ("sq_avg",)
    hyperparameters = AdaGrad.hyperparameters + ("rho",)

    def step(self, theta, grad, lr):
        self.backend.updates.rmsprop_step(theta, grad, self.sq_avg, lr, self.rho, self.epsilon)


class AdaDelta(RMSprop):
    """RMSprop whose step size comes from a running average of past steps (Zeiler 2012):
    ``s = rho s + (1-rho) g**2; d = sqrt(u + eps) / sqrt(s + eps) * g;
    u = rho u + (1-rho) d**2; theta -= lr * d``. Zeiler's method has ``lr = 1``."""

    state = RMSprop.state + ("delta_avg",)

    def step(self, theta, grad, lr):
        self.backend.updates.adadelta_step(theta, grad, self.sq_avg, self.delta_avg, lr,
                                           self.rho, self.epsilon)


class Adam(RMSprop):
    """RMSprop plus momentum, with bias correction (Kingma & Ba 2015):
    ``m = b1 m + (1-b1) g; v = b2 v + (1-b2) g**2;
    theta -= lr * m_hat / (sqrt(v_hat) + eps)`` with ``m_hat = m / (1 - b1**t)``,
    ``v_hat = v / (1 - b2**t)``: RMSprop's average with ``rho = beta_2``.

    With ``weight_decay > 0`` (AdamW, Loshchilov & Hutter 2019) the first ``n_decay``
    parameters also shrink by ``lr * weight_decay * theta`` each step, outside the
    adaptive scaling.
    """

    state = ("m", "v")
    hyperparameters = ("epsilon", "beta_1", "beta_2", "weight_decay", "n_decay")

    def __init__(self, size, dtype, backend=None, **hyperparameters):
        super().__init__(size, dtype, backend, **hyperparameters)
        self.t = 0

    def step(self, theta, grad, lr):
        self.t += 1
        if self.weight_decay:
            self.backend.updates.scale(theta[: self.n_decay], 1.0 - lr * self.weight_decay)
        # lr * m_hat / (sqrt(v_hat) + eps) with the bias corrections folded into the step
        # size and eps (Kingma & Ba, section 2): the update has one sqrt and one division.
        bias_1 = 1.0 - self.beta_1**self.t
        bias_2 = 1.0 - self.beta_2**self.t
        step_size = lr * math.sqrt(bias_2) / bias_1
        eps_hat = self.epsilon * math.sqrt(bias_2)
        self.backend.updates.adam_step(theta, grad, self.m, self.v, step_size, self.beta_1,
                                       self.beta_2, eps_hat)


class OptimizerRecord(NamedTuple):
    """A named optimizer: its class, settings fixed by the name, and its customary rate."""

    name: str
    cls: type
    learning_rate: float
    """What ``learning_rate="auto"`` stands for: the rate the method is usually run at."""
    fixed: dict = {}
    """Hyperparameters the name decides (e.g. ``nesterov=True``)."""


OPTIMIZERS = {
    record.name: record
    for record in [
        OptimizerRecord("sgd", SGD, 0.01),
        OptimizerRecord("momentum", Momentum, 0.01, {"nesterov": False}),
        OptimizerRecord("nesterov", Momentum, 0.01, {"nesterov": True}),
        OptimizerRecord("adagrad", AdaGrad, 0.01),
        OptimizerRecord("adadelta", AdaDelta, 1.0),
        OptimizerRecord("rmsprop", RMSprop, 1e-3),
        OptimizerRecord("adam", Adam, 1e-3, {"weight_decay": 0.0}),
        OptimizerRecord("adamw", Adam, 1e-3),
    ]
}
"""Optimizers by name, in order of increasing complexity."""


def make_optimizer(name, size, dtype, *, backend=None, weight_decay=0.0, n_decay=0,
                   **hyperparameters):
    """Build the optimizer called ``name`` for a flat vector of ``size`` parameters.

    ``hyperparameters`` holds (at least) the ones its class reads (``momentum``,
    ``beta_1``, ``beta_2``, ``rho``, ``epsilon``); ``weight_decay`` only applies to
    ``"adamw"``. State arrays live on ``backend`` (default: the CPU).
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"Unknown optimizer: {name!r}. Known: {sorted(OPTIMIZERS)}.")
    record = OPTIMIZERS[name]
    settings = {**hyperparameters, "weight_decay": weight_decay, "n_decay": n_decay,
                **record.fixed}
    return record.cls(size, dtype, backend,
                      **{key: settings[key] for key in record.cls.hyperparameters})


def resolve_learning_rate(learning_rate, optimizer):
    """The float ``learning_rate`` stands for: ``"auto"`` is the optimizer's customary rate."""
    if learning_rate == "auto":
        return OPTIMIZERS[optimizer].learning_rate
    return float(learning_rate)
