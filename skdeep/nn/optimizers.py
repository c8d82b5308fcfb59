"""Optimizers over one flat parameter vector, in order of increasing complexity.

Each has ``step(theta, grad, lr)``, updating ``theta`` in place through its backend's fused
update (one loop on the CPU, one kernel on the GPU), and keeps its state (velocities,
squared-gradient averages) as flat arrays of the same dtype on the same device. Variants
are built by composition: Nesterov is momentum with a flag, AdaDelta and RMSprop are
AdaGrad with a decaying average, Adam is RMSprop plus momentum, AdamW is Adam with
decoupled weight decay.
"""

import math

from ..backends.cpu import CPU


class Optimizer:
    """State arrays (named in ``state``) on a backend; ``to_backend`` moves them."""

    state = ()

    def __init__(self, size, dtype, backend=CPU):
        self.backend = backend
        for name in self.state:
            setattr(self, name, backend.zeros(size, dtype))

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
        state["backend"] = CPU
        return state


class SGD(Optimizer):
    """``theta -= lr * g``."""

    def step(self, theta, grad, lr):
        self.backend.sgd_step(theta, grad, lr)


class Momentum(Optimizer):
    """Heavy ball: ``v = momentum * v - lr * g; theta += v``.

    With ``nesterov=True`` the step looks ahead: ``theta += momentum * v - lr * g``.
    """

    state = ("velocity",)

    def __init__(self, size, dtype, momentum=0.9, nesterov=False, backend=CPU):
        super().__init__(size, dtype, backend)
        self.momentum = momentum
        self.nesterov = nesterov

    def step(self, theta, grad, lr):
        self.backend.momentum_step(theta, grad, self.velocity, lr, self.momentum, self.nesterov)


class AdaGrad(Optimizer):
    """Per-parameter rates shrinking with the sum of squared gradients:
    ``s += g**2; theta -= lr * g / (sqrt(s) + eps)``."""

    state = ("sq_sum",)

    def __init__(self, size, dtype, epsilon=1e-8, backend=CPU):
        super().__init__(size, dtype, backend)
        self.epsilon = epsilon

    def step(self, theta, grad, lr):
        self.backend.adagrad_step(theta, grad, self.sq_sum, lr, self.epsilon)


class RMSprop(Optimizer):
    """AdaGrad with a decaying average: ``s = rho * s + (1 - rho) * g**2;
    theta -= lr * g / (sqrt(s) + eps)``."""

    state = ("sq_avg",)

    def __init__(self, size, dtype, rho=0.9, epsilon=1e-8, backend=CPU):
        super().__init__(size, dtype, backend)
        self.rho = rho
        self.epsilon = epsilon

    def step(self, theta, grad, lr):
        self.backend.rmsprop_step(theta, grad, self.sq_avg, lr, self.rho, self.epsilon)


class AdaDelta(Optimizer):
    """RMSprop whose step size comes from a running average of past steps (Zeiler 2012):
    ``s = rho s + (1-rho) g**2; d = sqrt(u + eps) / sqrt(s + eps) * g;
    u = rho u + (1-rho) d**2; theta -= lr * d``. Zeiler's method has ``lr = 1``."""

    state = ("sq_avg", "delta_avg")

    def __init__(self, size, dtype, rho=0.9, epsilon=1e-8, backend=CPU):
        super().__init__(size, dtype, backend)
        self.rho = rho
        self.epsilon = epsilon

    def step(self, theta, grad, lr):
        self.backend.adadelta_step(theta, grad, self.sq_avg, self.delta_avg, lr, self.rho,
                                   self.epsilon)


class Adam(Optimizer):
    """RMSprop plus momentum, with bias correction (Kingma & Ba 2015):
    ``m = b1 m + (1-b1) g; v = b2 v + (1-b2) g**2;
    theta -= lr * m_hat / (sqrt(v_hat) + eps)`` with ``m_hat = m / (1 - b1**t)``,
    ``v_hat = v / (1 - b2**t)``.

    With ``weight_decay > 0`` (AdamW, Loshchilov & Hutter 2019) the first ``n_decay``
    parameters also shrink by ``lr * weight_decay * theta`` each step, outside the
    adaptive scaling.
    """

    state = ("m", "v")

    def __init__(self, size, dtype, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 weight_decay=0.0, n_decay=0, backend=CPU):
        super().__init__(size, dtype, backend)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.weight_decay = weight_decay
        self.n_decay = n_decay
        self.t = 0

    def step(self, theta, grad, lr):
        self.t += 1
        if self.weight_decay:
            self.backend.scale(theta[: self.n_decay], 1.0 - lr * self.weight_decay)
        # lr * m_hat / (sqrt(v_hat) + eps) with the bias corrections folded into the step
        # size and eps (Kingma & Ba, section 2): the update has one sqrt and one division.
        bias_1 = 1.0 - self.beta_1**self.t
        bias_2 = 1.0 - self.beta_2**self.t
        step_size = lr * math.sqrt(bias_2) / bias_1
        eps_hat = self.epsilon * math.sqrt(bias_2)
        self.backend.adam_step(theta, grad, self.m, self.v, step_size, self.beta_1,
                               self.beta_2, eps_hat)


def make_optimizer(name, size, dtype, *, momentum, beta_1, beta_2, rho, epsilon,
                   weight_decay=0.0, n_decay=0, backend=CPU):
    """Build the optimizer called ``name`` for a flat vector of ``size`` parameters.

    ``weight_decay`` only applies to ``"adamw"``; state arrays live on ``backend``.
    """
    if name == "sgd":
        return SGD(size, dtype, backend)
    if name in ("momentum", "nesterov"):
        return Momentum(size, dtype, momentum, nesterov=name == "nesterov", backend=backend)
    if name == "adagrad":
        return AdaGrad(size, dtype, epsilon, backend=backend)
    if name == "rmsprop":
        return RMSprop(size, dtype, rho, epsilon, backend=backend)
    if name == "adadelta":
        return AdaDelta(size, dtype, rho, epsilon, backend=backend)
    if name in ("adam", "adamw"):
        decay = weight_decay if name == "adamw" else 0.0
        return Adam(size, dtype, beta_1, beta_2, epsilon, decay, n_decay, backend=backend)
    raise ValueError(f"Unknown optimizer: {name!r}")


OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam", "adamw")
