"""Central finite differences for gradient checks (float64)."""

import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    """Gradient of the scalar function ``f()`` with respect to ``x``, perturbed in place."""
    grad = np.zeros_like(x)
    flat, flat_grad = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        plus = f()
        flat[i] = original - eps
        minus = f()
        flat[i] = original
        flat_grad[i] = (plus - minus) / (2 * eps)
    return grad
