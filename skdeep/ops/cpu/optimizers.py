"""The optimizers' update loops on the CPU: one fused Numba loop each over flat vectors.

Compiled with ``error_model="numpy"`` and called with scalars in the parameters' dtype:
float32 updates stay in float32 and vectorize.
"""

import math

from numba import njit

from .._scalars import typed


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


def sgd_step(theta, grad, lr):
    theta -= theta.dtype.type(lr) * grad


def momentum_step(theta, grad, velocity, lr, momentum, nesterov):
    _momentum_step(theta, grad, velocity, *typed(theta, lr, momentum), nesterov)


def adagrad_step(theta, grad, sq_sum, lr, eps):
    _adagrad_step(theta, grad, sq_sum, *typed(theta, lr, eps))


def rmsprop_step(theta, grad, sq_avg, lr, rho, eps):
    _rmsprop_step(theta, grad, sq_avg, *typed(theta, lr, rho, 1 - rho, eps))


def adadelta_step(theta, grad, sq_avg, delta_avg, lr, rho, eps):
    _adadelta_step(theta, grad, sq_avg, delta_avg, *typed(theta, lr, rho, 1 - rho, eps))


def adam_step(theta, grad, m, v, step_size, beta_1, beta_2, eps_hat):
    _adam_step(theta, grad, m, v, *typed(theta, step_size, beta_1, 1 - beta_1, beta_2,
                                             1 - beta_2, eps_hat))


def scale(a, factor):
    """``a *= factor`` in place (AdamW's decoupled weight decay)."""
    a *= a.dtype.type(factor)
