"""A max pooling layer right after a ReLU applies the ReLU to its output
(:func:`skdeep.nn.network.fuse_relu_max_pool`): the results must be those of the two
separate layers, to the bit, while training and predicting."""

import numpy as np
import pytest

from skdeep import CNNClassifier, CNNRegressor
from skdeep.nn.layers import Activation, MaxPool2D

from ._fusion import assert_same_model, fit_fused_and_separate

SPECS = [("conv", 4, 3), "relu", ("maxpool", 2), ("conv", 6, 3), "bn", "relu",
         ("maxpool", 2), ("conv", 6, 3), "relu", ("avgpool", 2)]


FUSION = "fuse_relu_max_pool"


def _images(n=48, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 1, 12, 12)).astype(dtype)
    return X, (X[:, 0, 3:9, 3:9].mean(axis=(1, 2)) > 0).astype(int)


def _cnn(estimator=CNNClassifier, **params):
    return estimator(architecture=SPECS, hidden_layer_sizes=(5,), batch_norm=False,
                     max_iter=3, batch_size=16, random_state=0, **params)


def test_fused_pairs_are_the_max_poolings_directly_after_a_free_relu():
    X, y = _images()
    layers = _cnn().fit(X, y)._network.layers
    fused = [(a, b) for a, b in zip(layers, layers[1:])
             if isinstance(b, MaxPool2D) and b.applies_relu]
    assert len(fused) == 1  # the second ReLU is batch norm's, the third precedes avg pooling
    relu, pool = fused[0]
    assert isinstance(relu, Activation) and relu.applied_after and type(pool) is MaxPool2D
    assert layers.index(relu) == 1
    assert not any(getattr(layer, "applied_after", False) for layer in layers[2:])


@pytest.mark.parametrize("weighted", [False, True])
def test_cnn_fit_and_predictions_equal_separate_layers(monkeypatch, weighted):
    X, y = _images()
    weights = np.arange(len(X)) % 3 + 0.5 if weighted else None
    fused, separate = fit_fused_and_separate(monkeypatch, FUSION, _cnn, X, y,
                                             sample_weight=weights)
    assert not any(getattr(layer, "applied_after", False) for layer in separate._network.layers)
    assert_same_model(fused, separate, X, ("predict_proba", "transform"))


def test_float64_regressor_with_dropout_equals_separate_layers(monkeypatch):
    # Many windows with no positive value (a shifted input): their gradient must be zero.
    X, _ = _images(dtype=np.float64)
    X -= 0.5
    y = X[:, 0].mean(axis=(1, 2))
    fused, separate = fit_fused_and_separate(
        monkeypatch, FUSION, lambda: _cnn(CNNRegressor, dropout=0.2), X, y)
    assert fused.coefs_[0].dtype == np.float64
    assert_same_model(fused, separate, X, ("predict",))
