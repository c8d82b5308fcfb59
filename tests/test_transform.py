"""transform and get_feature_names_out: the last hidden layer as features."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skdeep import CNNClassifier, CNNRegressor, MLPClassifier, MLPRegressor

X, y = load_digits(return_X_y=True)
X = (X / 16.0)[:300]
y = y[:300]


def test_mlp_features_are_the_last_hidden_layer_after_its_activation():
    model = MLPClassifier((12, 7), activation="tanh", dropout=0.2, max_iter=3,
                          random_state=0).fit(X, y)
    (w0, w1, _), (b0, b1, _) = model.coefs_, model.intercepts_
    expected = np.tanh(np.tanh(X @ w0 + b0) @ w1 + b1)  # dropout is off outside training
    features = model.transform(X)
    assert_allclose(features, expected, rtol=1e-10, atol=1e-12)
    names = model.get_feature_names_out()
    assert list(names) == [f"mlpclassifier{i}" for i in range(7)]


def test_cnn_features_without_a_dense_head_are_the_pooled_maps():
    images = X.reshape(-1, 1, 8, 8)
    model = CNNRegressor(architecture=[("conv", 5, 3), "relu", "gap"], hidden_layer_sizes=(),
                         max_iter=2, random_state=0).fit(images, y * 1.0)
    features = model.transform(images)
    assert features.shape == (300, 5)
    assert np.all(features >= 0)  # means of ReLU maps
    weights, bias = model.coefs_[0], model.intercepts_[0]
    assert_allclose(features @ weights + bias, model.predict(images)[:, None], rtol=1e-10)
    assert len(model.get_feature_names_out()) == 5


@pytest.mark.parametrize("estimator", [MLPRegressor((6,)), CNNClassifier(filters=(3,),
                                                                         hidden_layer_sizes=(6,))])
def test_float32_features_stay_float32(estimator):
    data = X.astype(np.float32)
    model = estimator.set_params(max_iter=1, random_state=0).fit(data, y)
    assert model.transform(data).dtype == np.float32


def test_features_feed_another_estimator_behind_frozen_estimator():
    net = MLPClassifier((16,), max_iter=20, random_state=0).fit(X, y)
    pipeline = make_pipeline(FrozenEstimator(net), LogisticRegression(max_iter=500))
    pipeline.fit(X, y)
    assert pipeline.score(X, y) > 0.8
    assert_allclose(pipeline[0].transform(X), net.transform(X))


def test_transform_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        MLPClassifier().transform(X)
    with pytest.raises(NotFittedError):
        CNNClassifier().get_feature_names_out()
