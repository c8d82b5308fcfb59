"""Optimizers over one flat parameter vector, in order of increasing complexity.

Each has ``step(theta, grad, lr)``, updating ``theta`` in place with one fused Numba loop,
and keeps its state (velocities, squared-gradient averages) as flat arrays of the same
dtype. Variants are built by composition: Nesterov is momentum with a flag, AdaDelta and
RMSprop are AdaGrad with a decaying average, Adam is RMSprop plus momentum, AdamW is Adam
with decoupled weight decay.
"""

import math

import numpy as np
from numba import njit


@njit(cache=True, error_model="numpy")
def _momentum_step(theta, grad, velocity, lr, momentum, nesterov):
    for i in range(theta.size):
        velocity[i] = momentum * velocity[i] - lr * grad[i]
        if nesterov:
            theta[i] += momentum * velocity[i] - lr * grad[i]
        else:
            theta[i] += velocity[i]


@njit(cache=True, error_model="numpy")
def _adagrad_step(theta, grad, sq_sum, lr, eps):
    for i in range(theta.size):
        g = grad[i]
        sq_sum[i] += g * g
        theta[i] -= lr * g / (math.sqrt(sq_sum[i]) + eps)


@njit(cache=True, error_model="numpy")
def _rmsprop_step(theta, grad, sq_avg, lr, rho, one_minus_rho, eps):
    for i in range(theta.size):
        g = grad[i]
        sq_avg[i] = rho * sq_avg[i] + one_minus_rho * g * g
        theta[i] -= lr * g / (math.sqrt(sq_avg[i]) + eps)


@njit(cache=True, error_model="numpy")
def _adadelta_step(theta, grad, sq_avg, delta_avg, lr, rho, one_minus_rho, eps):
    for i in range(theta.size):
        g = grad[i]
        sq_avg[i] = rho * sq_avg[i] + one_minus_rho * g * g
        delta = math.sqrt(delta_avg[i] + eps) / math.sqrt(sq_avg[i] + eps) * g
        delta_avg[i] = rho * delta_avg[i] + one_minus_rho * delta * delta
        theta[i] -= lr * delta


@njit(cache=True, error_model="numpy")
def _adam_step(theta, grad, m, v, step_size, beta_1, one_minus_beta_1, beta_2,
               one_minus_beta_2, eps_hat):
    # lr * m_hat / (sqrt(v_hat) + eps) with the bias corrections folded into step_size
    # and eps_hat (Kingma & Ba, section 2), so the loop has one sqrt and one division.
    for i in range(theta.size):
        g = grad[i]
        m[i] = beta_1 * m[i] + one_minus_beta_1 * g
        v[i] = beta_2 * v[i] + one_minus_beta_2 * g * g
        theta[i] -= step_size * m[i] / (math.sqrt(v[i]) + eps_hat)


def _as_dtype(theta, *scalars):
    """Scalars in the parameters' dtype, so float32 kernels stay in float32 (and vectorize)."""
    return tuple(theta.dtype.type(s) for s in scalars)


class SGD:
    """``theta -= lr * g``."""

    def __init__(self, size, dtype):
        pass

    def step(self, theta, grad, lr):
        theta -= theta.dtype.type(lr) * grad


class Momentum:
    """Heavy ball: ``v = momentum * v - lr * g; theta += v``.

    With ``nesterov=True`` the step looks ahead: ``theta += momentum * v - lr * g``.
    """

    def __init__(self, size, dtype, momentum=0.9, nesterov=False):
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocity = np.zeros(size, dtype)

    def step(self, theta, grad, lr):
        _momentum_step(theta, grad, self.velocity, *_as_dtype(theta, lr, self.momentum),
                       self.nesterov)


class AdaGrad:
    """Per-parameter rates shrinking with the sum of squared gradients:
    ``s += g**2; theta -= lr * g / (sqrt(s) + eps)``."""

    def __init__(self, size, dtype, epsilon=1e-8):
        self.epsilon = epsilon
        self.sq_sum = np.zeros(size, dtype)

    def step(self, theta, grad, lr):
        _adagrad_step(theta, grad, self.sq_sum, *_as_dtype(theta, lr, self.epsilon))


class RMSprop:
    """AdaGrad with a decaying average: ``s = rho * s + (1 - rho) * g**2;
    theta -= lr * g / (sqrt(s) + eps)``."""

    def __init__(self, size, dtype, rho=0.9, epsilon=1e-8):
        self.rho = rho
        self.epsilon = epsilon
        self.sq_avg = np.zeros(size, dtype)

    def step(self, theta, grad, lr):
        _rmsprop_step(theta, grad, self.sq_avg, *_as_dtype(theta, lr, self.rho, 1 - self.rho, self.epsilon))


class AdaDelta:
    """RMSprop whose step size comes from a running average of past steps (Zeiler 2012):
    ``s = rho s + (1-rho) g**2; d = sqrt(u + eps) / sqrt(s + eps) * g;
    u = rho u + (1-rho) d**2; theta -= lr * d``. Zeiler's method has ``lr = 1``."""

    def __init__(self, size, dtype, rho=0.9, epsilon=1e-8):
        self.rho = rho
        self.epsilon = epsilon
        self.sq_avg = np.zeros(size, dtype)
        self.delta_avg = np.zeros(size, dtype)

    def step(self, theta, grad, lr):
        _adadelta_step(theta, grad, self.sq_avg, self.delta_avg,
                       *_as_dtype(theta, lr, self.rho, 1 - self.rho, self.epsilon))


class Adam:
    """RMSprop plus momentum, with bias correction (Kingma & Ba 2015):
    ``m = b1 m + (1-b1) g; v = b2 v + (1-b2) g**2;
    theta -= lr * m_hat / (sqrt(v_hat) + eps)`` with ``m_hat = m / (1 - b1**t)``,
    ``v_hat = v / (1 - b2**t)``.

    With ``weight_decay > 0`` (AdamW, Loshchilov & Hutter 2019) the first ``n_decay``
    parameters also shrink by ``lr * weight_decay * theta`` each step, outside the
    adaptive scaling.
    """

    def __init__(self, size, dtype, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 weight_decay=0.0, n_decay=0):
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.weight_decay = weight_decay
        self.n_decay = n_decay
        self.t = 0
        self.m = np.zeros(size, dtype)
        self.v = np.zeros(size, dtype)

    def step(self, theta, grad, lr):
        self.t += 1
        if self.weight_decay:
            theta[: self.n_decay] *= theta.dtype.type(1.0 - lr * self.weight_decay)
        bias_1 = 1.0 - self.beta_1**self.t
        bias_2 = 1.0 - self.beta_2**self.t
        step_size = lr * math.sqrt(bias_2) / bias_1
        eps_hat = self.epsilon * math.sqrt(bias_2)
        _adam_step(theta, grad, self.m, self.v,
                   *_as_dtype(theta, step_size, self.beta_1, 1 - self.beta_1, self.beta_2,
                             1 - self.beta_2, eps_hat))


def make_optimizer(name, size, dtype, *, momentum, beta_1, beta_2, rho, epsilon,
                   weight_decay=0.0, n_decay=0):
    """Build the optimizer called ``name`` for a flat vector of ``size`` parameters.

    ``weight_decay`` only applies to ``"adamw"``.
    """
    if name == "sgd":
        return SGD(size, dtype)
    if name in ("momentum", "nesterov"):
        return Momentum(size, dtype, momentum, nesterov=name == "nesterov")
    if name == "adagrad":
        return AdaGrad(size, dtype, epsilon)
    if name == "rmsprop":
        return RMSprop(size, dtype, rho, epsilon)
    if name == "adadelta":
        return AdaDelta(size, dtype, rho, epsilon)
    if name in ("adam", "adamw"):
        decay = weight_decay if name == "adamw" else 0.0
        return Adam(size, dtype, beta_1, beta_2, epsilon, decay, n_decay)
    raise ValueError(f"Unknown optimizer: {name!r}")


OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam", "adamw")
