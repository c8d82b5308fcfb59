"""Each optimizer's first two steps against values worked out by hand.

theta starts at [1.0, -2.0]; the gradients are g1 = [0.5, -1.0], then g2 = [0.25, 2.0].
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skdeep.nn.optimizers import make_optimizer

CONSTANTS = dict(momentum=0.9, beta_1=0.9, beta_2=0.999, rho=0.9, epsilon=1e-8)
G1 = np.array([0.5, -1.0])
G2 = np.array([0.25, 2.0])
LR = 0.1


def _two_steps(name, **extra):
    theta = np.array([1.0, -2.0])
    optimizer = make_optimizer(name, 2, np.float64, **CONSTANTS, **extra)
    optimizer.step(theta, G1.copy(), LR)
    first = theta.copy()
    optimizer.step(theta, G2.copy(), LR)
    return first, theta


def test_sgd():
    first, second = _two_steps("sgd")
    assert_allclose(first, [1 - 0.05, -2 + 0.1])
    assert_allclose(second, [0.95 - 0.025, -1.9 - 0.2])


def test_momentum():
    first, second = _two_steps("momentum")
    # v1 = -0.1 * g1 = [-0.05, 0.1]; v2 = 0.9 v1 - 0.1 g2 = [-0.07, -0.11]
    assert_allclose(first, [0.95, -1.9])
    assert_allclose(second, [0.95 - 0.07, -1.9 - 0.11])


def test_nesterov():
    first, second = _two_steps("nesterov")
    # step = 0.9 v - 0.1 g: first [-0.045 - 0.05, 0.09 + 0.1]; second [-0.063 - 0.025, -0.099 - 0.2]
    assert_allclose(first, [1 - 0.095, -2 + 0.19])
    assert_allclose(second, [0.905 - 0.088, -1.81 - 0.299])


def test_adagrad():
    first, second = _two_steps("adagrad")
    # s1 = g1^2, step = lr * g / sqrt(s): [0.1, -0.1] (sign of g)
    assert_allclose(first, [0.9, -1.9], rtol=1e-7)
    # s2 = [0.3125, 5.0]
    assert_allclose(second, [0.9 - 0.1 * 0.25 / np.sqrt(0.3125), -1.9 - 0.1 * 2 / np.sqrt(5.0)],
                    rtol=1e-7)


def test_rmsprop():
    first, second = _two_steps("rmsprop")
    s1 = 0.1 * G1**2  # [0.025, 0.1]
    assert_allclose(first, [1 - 0.1 * 0.5 / np.sqrt(0.025), -2 + 0.1 * 1 / np.sqrt(0.1)], rtol=1e-7)
    s2 = 0.9 * s1 + 0.1 * G2**2
    assert_allclose(second, first - 0.1 * G2 / np.sqrt(s2), rtol=1e-7)


def test_adadelta():
    first, second = _two_steps("adadelta")
    eps = 1e-8
    s1 = 0.1 * G1**2
    d1 = np.sqrt(eps) / np.sqrt(s1 + eps) * G1
    assert_allclose(first, np.array([1.0, -2.0]) - 0.1 * d1, rtol=1e-7)
    u1 = 0.1 * d1**2
    s2 = 0.9 * s1 + 0.1 * G2**2
    d2 = np.sqrt(u1 + eps) / np.sqrt(s2 + eps) * G2
    assert_allclose(second, first - 0.1 * d2, rtol=1e-7)


def test_adam():
    first, second = _two_steps("adam")
    # Step 1: m_hat = g1, v_hat = g1^2, so the step is lr * sign(g1).
    assert_allclose(first, [0.9, -1.9], rtol=1e-7)
    m = 0.9 * 0.1 * G1 + 0.1 * G2
    v = 0.999 * 0.001 * G1**2 + 0.001 * G2**2
    m_hat, v_hat = m / (1 - 0.9**2), v / (1 - 0.999**2)
    assert_allclose(second, first - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8), rtol=1e-7)


def test_adamw_decays_only_the_first_n_decay_entries():
    theta = np.array([1.0, -2.0])
    optimizer = make_optimizer("adamw", 2, np.float64, **CONSTANTS, weight_decay=0.5, n_decay=1)
    optimizer.step(theta, G1.copy(), LR)
    # decay theta[0] by (1 - lr * wd) = 0.95 first, then the Adam step of -0.1
    assert_allclose(theta, [0.95 - 0.1, -2 + 0.1], rtol=1e-7)


@pytest.mark.parametrize("name", ["sgd", "momentum", "nesterov", "adagrad", "adadelta",
                                  "rmsprop", "adam", "adamw"])
def test_float32_state_stays_float32(name):
    theta = np.ones(3, np.float32)
    optimizer = make_optimizer(name, 3, np.float32, **CONSTANTS, weight_decay=0.1, n_decay=3)
    optimizer.step(theta, np.full(3, 0.5, np.float32), 0.01)
    assert theta.dtype == np.float32
    for state in vars(optimizer).values():
        if isinstance(state, np.ndarray):
            assert state.dtype == np.float32
    assert np.all(theta < 1)
