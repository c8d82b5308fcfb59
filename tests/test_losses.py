"""Loss values and links against references, including extreme raw outputs."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit, log_softmax
from sklearn.metrics import log_loss

from skdeep.ops.cpu.losses import LOSSES

RAW = np.array([[1000.0, -1000.0, 0.0], [-5.0, 2.0, 3.0], [0.0, 0.0, 0.0]])


def test_softmax_cross_entropy_matches_log_loss_and_survives_huge_logits():
    y = np.eye(3)[[0, 2, 1]]
    p = np.full(3, 1 / 3)
    value, grad = LOSSES["softmax_cross_entropy"].value_and_gradient(RAW, y, p)
    expected = -np.mean(np.sum(y * log_softmax(RAW, axis=1), axis=1))
    assert_allclose(value, expected)
    assert np.all(np.isfinite(grad))
    proba = LOSSES["softmax_cross_entropy"].link(RAW)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_allclose(value, log_loss([0, 2, 1], np.clip(proba, 1e-300, 1)), rtol=1e-6)


def test_sigmoid_cross_entropy_is_finite_for_huge_logits():
    y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 0.0]])
    value, grad = LOSSES["sigmoid_cross_entropy"].value_and_gradient(RAW, y, np.full(3, 1 / 3))
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    assert_allclose(LOSSES["sigmoid_cross_entropy"].link(RAW), expit(RAW))


@pytest.mark.parametrize("name, per_element", [
    ("squared_error", lambda r: 0.5 * r**2),
    ("absolute_error", np.abs),
    ("huber", lambda r: np.where(np.abs(r) <= 1, 0.5 * r**2, np.abs(r) - 0.5)),
])
def test_regression_losses_are_weighted_means(name, per_element):
    rng = np.random.default_rng(0)
    raw, y = rng.standard_normal((5, 2)) * 3, rng.standard_normal((5, 2))
    p = rng.random(5)
    p /= p.sum()
    value, _ = LOSSES[name].value_and_gradient(raw, y, p)
    assert_allclose(value, np.dot(p, per_element(raw - y).mean(axis=1)))
