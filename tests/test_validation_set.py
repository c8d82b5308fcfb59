"""fit(X, y, X_val=..., y_val=...): an explicit validation set for early stopping."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn import config_context
from sklearn.datasets import load_digits
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import CNNClassifier, CNNRegressor, MLPClassifier, MLPRegressor

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_train, y_train, X_val, y_val = X[:400], y[:400], X[400:600], y[400:600]


def test_validation_scores_are_the_scores_on_the_given_set():
    params = dict(hidden_layer_sizes=(16,), early_stopping=True, max_iter=4,
                  n_iter_no_change=10, random_state=0)
    model = MLPClassifier(**params).fit(X_train, y_train, X_val=X_val, y_val=y_val)
    assert len(model.validation_scores_) == 4
    # the best epoch's weights are restored: its score on the given set is the best one
    assert model.score(X_val, y_val) == pytest.approx(model.best_validation_score_)
    assert model.best_validation_score_ == max(model.validation_scores_)
    # every training sample trains: the run differs from the validation_fraction split
    split = MLPClassifier(**params).fit(X_train, y_train)
    assert model.t_ == 4 * 400 and split.t_ == 4 * 360


def test_cnn_takes_images_as_validation_set_and_restores_the_best_epoch():
    images = X.reshape(-1, 1, 8, 8)
    model = CNNRegressor(filters=(3,), hidden_layer_sizes=(), early_stopping=True,
                         max_iter=6, n_iter_no_change=2, random_state=0)
    model.fit(images[:400], y_train * 1.0, X_val=images[400:600], y_val=y_val * 1.0)
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.score(images[400:600], y_val * 1.0) == pytest.approx(
        model.best_validation_score_)


@pytest.mark.parametrize("estimator, kwargs, match", [
    (MLPClassifier(early_stopping=True), dict(X_val=X_val), "must be given together"),
    (MLPClassifier(), dict(X_val=X_val, y_val=y_val), "early_stopping=False"),
    (MLPClassifier(early_stopping=True), dict(X_val=X_val[:, :10], y_val=y_val),
     "10 features"),
    (MLPClassifier(early_stopping=True), dict(X_val=X_val, y_val=y_val[:5]),
     "X_val has 200 samples, but y_val has 5"),
    (MLPClassifier(early_stopping=True), dict(X_val=X_val, y_val=y_val + 20),
     "y_val has classes that y does not"),
    (MLPRegressor(early_stopping=True), dict(X_val=X_val, y_val=np.c_[y_val, y_val]),
     "y_val has 2 targets per sample, but y has 1"),
    (CNNClassifier(early_stopping=True), dict(X_val=X_val.reshape(-1, 1, 4, 16), y_val=y_val),
     "input_shape"),
])
def test_a_validation_set_that_does_not_fit_is_a_clear_error(estimator, kwargs, match):
    target = y_train * 1.0 if isinstance(estimator, MLPRegressor) else y_train
    data = X_train.reshape(-1, 1, 8, 8) if isinstance(estimator, CNNClassifier) else X_train
    with pytest.raises(ValueError, match=match):
        estimator.set_params(max_iter=1).fit(data, target, **kwargs)


def test_a_pipeline_routes_and_transforms_the_validation_set():
    net = MLPClassifier((16,), early_stopping=True, max_iter=3, random_state=0)
    scaler = StandardScaler().fit(X_train)
    with config_context(enable_metadata_routing=True):
        pipeline = Pipeline([("scale", StandardScaler()),
                             ("net", net.set_fit_request(X_val=True, y_val=True))],
                            transform_input=["X_val"])
        pipeline.fit(X_train, y_train, X_val=X_val, y_val=y_val)
    fitted = pipeline.named_steps["net"]
    assert_allclose(fitted.validation_scores_[-1], fitted.score(scaler.transform(X_val), y_val))
