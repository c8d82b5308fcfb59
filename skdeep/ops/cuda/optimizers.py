"""The optimizers' fused updates on the GPU: one kernel per step over the flat parameter
vector (the same formulas as :mod:`skdeep.ops.cpu.optimizers`)."""

import math

from numba import cuda

from .._scalars import typed
from .arrays import launch


@cuda.jit
def _sgd(theta, grad, lr):
    i = cuda.grid(1)
    if i < theta.size:
        theta[i] -= lr * grad[i]


@cuda.jit
def _momentum(theta, grad, velocity, lr, momentum, nesterov):
    i = cuda.grid(1)
    if i < theta.size:
        velocity[i] = momentum * velocity[i] - lr * grad[i]
        if nesterov:
            theta[i] += momentum * velocity[i] - lr * grad[i]
        else:
            theta[i] += velocity[i]


@cuda.jit
def _adagrad(theta, grad, sq_sum, lr, eps):
    i = cuda.grid(1)
    if i < theta.size:
        g = grad[i]
        sq_sum[i] += g * g
        theta[i] -= lr * g / (math.sqrt(sq_sum[i]) + eps)


@cuda.jit
def _rmsprop(theta, grad, sq_avg, lr, rho, eps):
    i = cuda.grid(1)
    if i < theta.size:
        g = grad[i]
        sq_avg[i] = rho * sq_avg[i] + (1.0 - rho) * g * g
        theta[i] -= lr * g / (math.sqrt(sq_avg[i]) + eps)


@cuda.jit
def _adadelta(theta, grad, sq_avg, delta_avg, lr, rho, eps):
    i = cuda.grid(1)
    if i < theta.size:
        g = grad[i]
        sq_avg[i] = rho * sq_avg[i] + (1.0 - rho) * g * g
        delta = math.sqrt(delta_avg[i] + eps) / math.sqrt(sq_avg[i] + eps) * g
        delta_avg[i] = rho * delta_avg[i] + (1.0 - rho) * delta * delta
        theta[i] -= lr * delta


@cuda.jit
def _adam(theta, grad, m, v, step_size, beta_1, beta_2, eps_hat):
    i = cuda.grid(1)
    if i < theta.size:
        g = grad[i]
        m[i] = beta_1 * m[i] + (1.0 - beta_1) * g
        v[i] = beta_2 * v[i] + (1.0 - beta_2) * g * g
        theta[i] -= step_size * m[i] / (math.sqrt(v[i]) + eps_hat)


def sgd_step(theta, grad, lr):
    launch(_sgd, theta.size)(theta, grad, *typed(theta, lr))


def momentum_step(theta, grad, velocity, lr, momentum, nesterov):
    launch(_momentum, theta.size)(theta, grad, velocity, *typed(theta, lr, momentum),
                                      nesterov)


def adagrad_step(theta, grad, sq_sum, lr, eps):
    launch(_adagrad, theta.size)(theta, grad, sq_sum, *typed(theta, lr, eps))


def rmsprop_step(theta, grad, sq_avg, lr, rho, eps):
    launch(_rmsprop, theta.size)(theta, grad, sq_avg, *typed(theta, lr, rho, eps))


def adadelta_step(theta, grad, sq_avg, delta_avg, lr, rho, eps):
    launch(_adadelta, theta.size)(theta, grad, sq_avg, delta_avg,
                                      *typed(theta, lr, rho, eps))


def adam_step(theta, grad, m, v, step_size, beta_1, beta_2, eps_hat):
    launch(_adam, theta.size)(theta, grad, m, v,
                                  *typed(theta, step_size, beta_1, beta_2, eps_hat))


@cuda.jit
def _scale(a, factor):
    i = cuda.grid(1)
    if i < a.size:
        a[i] *= factor


def scale(a, factor):
    launch(_scale, a.size)(a, *typed(a, factor))
