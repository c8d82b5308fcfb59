"""Transfer learning: init_from starts from another network's weights, freeze keeps layers
as they are."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import GridSearchCV

from skdeep import CNNClassifier, MLPClassifier, MLPRegressor
from skdeep.nn.layers import BatchNorm, Conv2D

X, y = load_digits(return_X_y=True)
IMAGES = (X / 16.0).reshape(-1, 1, 8, 8)
FIRST, SECOND = y < 5, y >= 5
PARAMS = dict(filters=(4, 8), batch_norm=True, hidden_layer_sizes=(16,), random_state=0)


@pytest.fixture(scope="module")
def pretrained():
    return CNNClassifier(max_iter=5, **PARAMS).fit(IMAGES[FIRST], y[FIRST])


def _parameters(model):
    return [layer for layer in model._network.layers if layer.param_specs()]


def test_frozen_features_keep_weights_and_statistics_exactly(pretrained):
    model = CNNClassifier(max_iter=3, init_from=pretrained, freeze="features", **PARAMS)
    model.fit(IMAGES[SECOND][:200], y[SECOND][:200])
    kept = list(zip(_parameters(model), _parameters(pretrained)))[:4]  # conv, BN, conv, BN
    assert all(isinstance(a, (Conv2D, BatchNorm)) and a.frozen for a, _ in kept)
    for a, b in kept:
        for spec in a.param_specs():
            assert_array_equal(getattr(a, spec.name), getattr(b, spec.name))
        for name in a.buffers:
            assert_array_equal(getattr(a, name), getattr(b, name))
    head = _parameters(model)[4]
    assert not head.frozen and not head.needs_input_grad  # backward stops at the head


def test_nothing_back_propagates_into_frozen_layers(pretrained, monkeypatch):
    def refuse(self, dy):
        raise AssertionError("backward reached a frozen layer")

    monkeypatch.setattr(Conv2D, "backward", refuse)
    model = CNNClassifier(max_iter=1, init_from=pretrained, freeze="features", **PARAMS)
    model.fit(IMAGES[SECOND][:64], y[SECOND][:64])  # no conv backward runs
    assert model._network.n_frozen == sum(
        int(np.prod(spec.shape)) for layer in _parameters(model)[:4]
        for spec in layer.param_specs())


def test_matching_layers_start_from_the_given_weights_the_new_output_does_not(pretrained):
    # Frozen layers show what was copied; a learning rate of 1e-12 keeps the others where
    # they started.
    settings = dict(max_iter=1, learning_rate=1e-12, freeze=5, **PARAMS)
    model = CNNClassifier(init_from=FrozenEstimator(pretrained), **settings)
    model.fit(IMAGES[SECOND][:64], y[SECOND][:64])
    for a, b in zip(_parameters(model)[:5], _parameters(pretrained)[:5]):
        for spec in a.param_specs():
            assert_array_equal(getattr(a, spec.name), getattr(b, spec.name))
    # digits 5-9 are new classes: the output layer started from the initializer
    scratch = CNNClassifier(**settings).fit(IMAGES[SECOND][:64], y[SECOND][:64])
    np.testing.assert_allclose(_parameters(model)[-1].W, _parameters(scratch)[-1].W,
                               atol=1e-9)
    assert not np.allclose(_parameters(model)[-1].W, _parameters(pretrained)[-1].W)


def test_the_same_classes_keep_the_output_layer(pretrained):
    model = CNNClassifier(max_iter=1, learning_rate=1e-12, init_from=pretrained, **PARAMS)
    model.fit(IMAGES[FIRST][:64], y[FIRST][:64])
    np.testing.assert_allclose(_parameters(model)[-1].W, _parameters(pretrained)[-1].W,
                               atol=1e-9)


def test_a_search_keeps_the_pretrained_weights_behind_frozen_estimator(pretrained):
    model = CNNClassifier(max_iter=2, init_from=FrozenEstimator(pretrained), freeze="features",
                          **PARAMS)
    search = GridSearchCV(model, {"learning_rate": [1e-3, 1e-2]}, cv=2)
    search.fit(IMAGES[SECOND][:120], y[SECOND][:120])
    first = _parameters(search.best_estimator_)[0]
    assert_array_equal(first.W, _parameters(pretrained)[0].W)
    assert clone(model).init_from is model.init_from  # clone keeps a FrozenEstimator
    again = pickle.loads(pickle.dumps(search.best_estimator_))
    assert_array_equal(again.predict(IMAGES[:20]), search.best_estimator_.predict(IMAGES[:20]))


def test_a_cloned_fitted_init_from_is_an_error_pointing_to_frozen_estimator(pretrained):
    search = GridSearchCV(CNNClassifier(max_iter=1, init_from=pretrained, **PARAMS),
                          {"learning_rate": [1e-3]}, cv=2, error_score="raise")
    with pytest.raises(ValueError, match=r"init_from=CNNClassifier\(...\) is not fitted.*"
                                         r"FrozenEstimator"):
        search.fit(IMAGES[:60], y[:60])


@pytest.mark.parametrize("params, match", [
    (dict(init_from=MLPClassifier()), "is not fitted"),
    (dict(init_from=FrozenEstimator(MLPClassifier())), "is not fitted"),
    (dict(freeze=2), "freeze=2 would leave nothing to train"),
    (dict(freeze="all"), "freeze"),
])
def test_bad_transfer_settings_are_clear_errors(params, match):
    with pytest.raises(ValueError, match=match):
        MLPRegressor((4,), max_iter=1, **params).fit(X[:20], y[:20] * 1.0)


def test_an_mlp_fine_tunes_from_a_regressor_of_the_same_shape():
    source = MLPRegressor((8,), max_iter=3, random_state=0).fit(X, y * 1.0)
    target = MLPRegressor((8,), max_iter=1, learning_rate=1e-12, random_state=1,
                          init_from=source).fit(X, y * 1.0)
    for a, b in zip(target.coefs_, source.coefs_):
        np.testing.assert_allclose(a, b, atol=1e-9)
    assert MLPRegressor(freeze="features").set_params(max_iter=1).fit(X, y * 1.0).coefs_
