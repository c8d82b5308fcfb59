"""Two defects found by scikit-learn's checks on more configurations: the no-improvement
rule read the noise of dropout's training loss as convergence, and one learning rate
served every optimizer."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import check_regressors_train

from skdeep import CNNClassifier, MLPClassifier, MLPRegressor
from skdeep.nn.optimizers import OPTIMIZERS


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(200, 10, noise=1.0, random_state=0)
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


@pytest.mark.parametrize("params, min_r2", [({"dropout": 0.2}, 0.95),
                                            ({"dropconnect": 0.2}, 0.9)])
def test_random_masks_do_not_stop_training_early(regression, params, min_r2):
    # Before: dropout stopped after 67 epochs at R^2 0.84, DropConnect after 26 at 0.45.
    X, y = regression
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = MLPRegressor(random_state=0, device="cpu", **params).fit(X, y)
    assert model.n_iter_ > 150
    assert model.score(X, y) > min_r2


def test_a_network_with_random_masks_still_stops_when_it_stops_improving():
    X, y = make_classification(120, 4, n_informative=4, n_redundant=0, class_sep=3.0,
                               random_state=0)
    model = MLPClassifier((16,), dropout=0.3, random_state=0, device="cpu",
                          max_iter=1000, n_iter_no_change=5, tol=1e-3).fit(X, y)
    assert model.n_iter_ < 1000


@pytest.mark.parametrize("params", [{"dropconnect": 0.2}, {"optimizer": "adadelta"},
                                    {"optimizer": "sgd"}])
def test_scikit_learn_regressor_check_passes_with_these_settings(params):
    check_regressors_train("MLPRegressor", MLPRegressor(random_state=0, device="cpu", **params))


def _fit(optimizer, learning_rate, estimator=MLPClassifier, **extra):
    X, y = make_classification(60, 5, random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator(optimizer=optimizer, learning_rate=learning_rate, max_iter=3,
                         random_state=0, device="cpu", **extra).fit(X, y)


@pytest.mark.parametrize("optimizer, rate", [("sgd", 0.01), ("momentum", 0.01),
                                             ("nesterov", 0.01), ("adagrad", 0.01),
                                             ("adadelta", 1.0), ("rmsprop", 1e-3),
                                             ("adam", 1e-3), ("adamw", 1e-3)])
def test_auto_learning_rate_is_the_optimizers_customary_rate(optimizer, rate):
    assert OPTIMIZERS[optimizer].learning_rate == rate
    auto = _fit(optimizer, "auto")
    assert auto.learning_rate == "auto"
    np.testing.assert_array_equal(auto.loss_curve_, _fit(optimizer, rate).loss_curve_)


def test_auto_is_the_default_and_a_float_sets_the_rate_of_every_optimizer():
    assert MLPRegressor().learning_rate == CNNClassifier().learning_rate == "auto"
    for optimizer in ("sgd", "adadelta"):
        fixed = _fit(optimizer, 1e-3).loss_curve_
        assert not np.array_equal(fixed, _fit(optimizer, "auto").loss_curve_)
        np.testing.assert_array_equal(fixed, _fit(optimizer, 1e-3).loss_curve_)


def test_bad_learning_rate_is_rejected_with_its_name():
    with pytest.raises(ValueError, match="learning_rate"):
        _fit("adam", "fast")
    with pytest.raises(ValueError, match="learning_rate"):
        _fit("adam", 0.0)
