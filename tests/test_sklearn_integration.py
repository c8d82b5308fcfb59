"""skdeep estimators inside scikit-learn's tools."""

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import MLPClassifier, MLPRegressor


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:450], y[:450]


def test_pipeline_with_scaler(digits):
    X, y = digits
    pipe = make_pipeline(StandardScaler(), MLPClassifier((32,), max_iter=30, learning_rate=0.01,
                                                       random_state=0))
    assert cross_val_score(pipe, X, y, cv=3).mean() > 0.85


def test_grid_search_over_training_strategies(digits):
    X, y = digits
    grid = {"activation": ["relu", "tanh"], "optimizer": ["adam", "nesterov"],
            "dropout": [0.0, 0.3]}
    search = GridSearchCV(MLPClassifier((16,), max_iter=10, learning_rate=0.01, random_state=0),
                          grid, cv=2).fit(X / 16, y)
    assert len(search.cv_results_["params"]) == 8
    assert search.best_score_ > 0.7
    assert search.best_estimator_.n_iter_ == 10


def test_feature_names_are_recorded(digits):
    pd = pytest.importorskip("pandas")
    X, y = digits
    frame = pd.DataFrame(X / 16, columns=[f"pixel_{i}" for i in range(X.shape[1])])
    model = MLPRegressor((8,), max_iter=3, random_state=0).fit(frame, y.astype(float))
    assert list(model.feature_names_in_) == list(frame.columns)
    assert model.n_features_in_ == 64


def test_coefs_and_intercepts_follow_sklearn_shapes(digits):
    X, y = digits
    model = MLPClassifier((20, 10), max_iter=2, random_state=0).fit(X / 16, y)
    assert [w.shape for w in model.coefs_] == [(64, 20), (20, 10), (10, 10)]
    assert [b.shape for b in model.intercepts_] == [(20,), (10,), (10,)]
    binary = MLPClassifier((5,), max_iter=2, random_state=0).fit(X / 16, y % 2)
    assert binary.n_outputs_ == 1 and binary.predict_proba(X).shape == (len(X), 2)


def test_empty_hidden_layers_is_a_linear_model(digits):
    X, y = digits
    model = MLPClassifier((), max_iter=40, learning_rate=0.01, random_state=0).fit(X / 16, y)
    assert len(model.coefs_) == 1 and model.score(X / 16, y) > 0.9


def test_predict_log_proba_is_log_of_predict_proba(digits):
    X, y = digits
    model = MLPClassifier((8,), max_iter=3, random_state=0).fit(X / 16, y)
    np.testing.assert_allclose(np.exp(model.predict_log_proba(X / 16)), model.predict_proba(X / 16))
