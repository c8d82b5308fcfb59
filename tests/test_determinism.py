"""Same seed, same data: bit-identical results, in any process; fitted models pickle."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV

from skdeep import MLPClassifier, MLPRegressor

CONFIGS = [
    {},
    {"dropout": 0.3, "batch_norm": True},
    {"dropconnect": 0.3, "activation": "maxout", "optimizer": "rmsprop"},
    {"early_stopping": True, "optimizer": "nesterov", "learning_rate": 0.01},
]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:600] / 16, y[:600]


@pytest.mark.parametrize("params", CONFIGS)
def test_same_seed_gives_bit_identical_predictions(digits, params):
    X, y = digits
    first = MLPClassifier((32,), max_iter=15, random_state=4, **params).fit(X, y)
    second = MLPClassifier((32,), max_iter=15, random_state=4, **params).fit(X, y)
    assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    assert first.loss_curve_ == second.loss_curve_


def test_different_seeds_differ(digits):
    X, y = digits
    a = MLPClassifier((16,), max_iter=5, random_state=0).fit(X, y)
    b = MLPClassifier((16,), max_iter=5, random_state=1).fit(X, y)
    assert not np.array_equal(a.predict_proba(X), b.predict_proba(X))


def test_dropout_masks_do_not_depend_on_sample_order(digits):
    """Masks are keyed by sample content: full-batch training sees the same masks in any
    row order."""
    X, y = digits
    order = np.random.default_rng(0).permutation(len(X))
    params = dict(hidden_layer_sizes=(16,), max_iter=5, dropout=0.5, batch_size=None,
                  shuffle=True, random_state=0)
    a = MLPClassifier(**params).fit(X, y)
    b = MLPClassifier(**params).fit(X[order], y[order])
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
def test_pickle_round_trip_predicts_the_same_and_keeps_training(digits, Estimator):
    X, y = digits
    params = dict(hidden_layer_sizes=(16,), max_iter=5, batch_norm=True, random_state=0)
    model = Estimator(**params).fit(X, y)
    clone = pickle.loads(pickle.dumps(model))
    assert_array_equal(model.predict(X), clone.predict(X))
    # Parameters are views into one flat buffer: after loading they must still be.
    clone.partial_fit(X, y)
    model.partial_fit(X, y)
    assert_array_equal(model.predict(X), clone.predict(X))
    assert np.shares_memory(clone.coefs_[0], clone._network.theta)


def test_grid_search_two_jobs_matches_one_job(digits):
    X, y = digits
    grid = {"activation": ["relu", "tanh"], "dropout": [0.0, 0.2]}
    base = MLPClassifier((16,), max_iter=8, random_state=0)
    serial = GridSearchCV(base, grid, cv=3, n_jobs=1).fit(X, y)
    parallel = GridSearchCV(base, grid, cv=3, n_jobs=2).fit(X, y)
    assert_array_equal(serial.cv_results_["mean_test_score"],
                       parallel.cv_results_["mean_test_score"])
    for split in range(3):
        key = f"split{split}_test_score"
        assert_array_equal(serial.cv_results_[key], parallel.cv_results_[key])
