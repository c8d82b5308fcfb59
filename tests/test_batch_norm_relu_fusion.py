"""A batch norm layer followed by a ReLU, directly or across a max pooling layer, applies
the ReLU itself (:func:`skdeep.nn.network.fuse_batch_norm_relu`): the results must be those
of the separate layers, to the bit on the CPU, while training, predicting and with frozen
layers."""

import numpy as np
import pytest

from skdeep import CNNClassifier, MLPRegressor
from skdeep.nn.layers import Activation, BatchNorm, MaxPool2D

from ._fusion import assert_same_model, fit_fused_and_separate

FUSION = "fuse_batch_norm_relu"


SPECS = [("conv", 4, 3), "bn", "relu", ("residual", [("conv", 4, 3), "bn", "relu",
                                                       ("conv", 4, 3), "bn"]),
         "relu", ("maxpool", 2), ("conv", 6, 3), "bn", "relu", "gap"]


def _images(n=48, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 1, 8, 8)).astype(np.float32)
    return X, (X[:, 0, 2:6, 2:6].mean(axis=(1, 2)) > 0).astype(int)


def _cnn(**params):
    return CNNClassifier(architecture=SPECS, hidden_layer_sizes=(5,), batch_norm=True,
                         max_iter=3, batch_size=16, random_state=0, **params)


# Batch norm, max pooling, ReLU (skdeep's conv blocks): 16 channels (batch norm then pools
# too), 4 channels (a separate pooling layer over clamped maps), overlapping padded 3x3
# windows (windows of only clamped values share their zeros), a ReLU after the pooling with
# no batch norm before it (left alone).
POOLED_SPECS = [("conv", 16, 3), "bn", ("maxpool", 2), "relu", ("conv", 4, 3), "bn",
                ("maxpool", 3, 1, 1), "relu", ("conv", 4, 3), ("maxpool", 2), "relu", "gap"]


def _pooled_cnn(**params):
    return CNNClassifier(architecture=POOLED_SPECS, hidden_layer_sizes=(5,), max_iter=3,
                         batch_size=16, random_state=0, **params)


def _pooled_images(n=48, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 1, 22, 22)).astype(np.float32)
    return X, (X[:, 0, 4:12, 4:12].mean(axis=(1, 2)) > 0).astype(int)


def test_fused_pairs_are_the_batch_norms_directly_before_a_relu():
    X, y = _images()
    layers = _cnn().fit(X, y)._network.layers
    pairs = [(a, b) for a, b in zip(layers, layers[1:])
             if isinstance(a, BatchNorm) and isinstance(b, Activation) and b.name == "relu"]
    assert pairs and all(a.applies_relu and b.applied_before for a, b in pairs)
    lone = [layer for layer in layers if isinstance(layer, BatchNorm)
            and all(layer is not a for a, _ in pairs)]
    assert lone and not any(layer.applies_relu for layer in lone)  # the residual's last BN


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("network", ["direct", "across pooling"])
def test_cnn_fit_and_predictions_equal_separate_layers(monkeypatch, network, weighted):
    images, make = (_images, _cnn) if network == "direct" else (_pooled_images, _pooled_cnn)
    X, y = images()
    weights = np.arange(len(X)) % 3 + 0.5 if weighted else None
    fused, separate = fit_fused_and_separate(monkeypatch, FUSION, make, X, y,
                                             sample_weight=weights)
    assert not any(layer.applies_relu for layer in separate._network.layers
                   if isinstance(layer, BatchNorm))
    assert_same_model(fused, separate, X, ("predict_proba", "transform"))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_mlp_with_batch_norm_equals_separate_layers(monkeypatch, dtype):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((60, 5)).astype(dtype)
    y = X @ rng.standard_normal(5) + 0.1 * rng.standard_normal(60)
    params = dict(hidden_layer_sizes=(8, 6), batch_norm=True, max_iter=4, batch_size=20,
                  random_state=0)
    fused, separate = fit_fused_and_separate(monkeypatch, FUSION,
                                             lambda: MLPRegressor(**params), X, y)
    assert_same_model(fused, separate, X, ("predict",))


def test_frozen_batch_norm_before_a_relu_equals_separate_layers(monkeypatch):
    X, y = _images()
    source = _cnn().fit(X, y)
    fused, separate = fit_fused_and_separate(
        monkeypatch, FUSION, lambda: _cnn(init_from=source, freeze="features"), X, y)
    assert_same_model(fused, separate, X)


def test_batch_norm_applies_the_relu_after_a_max_pooling():
    X, y = _pooled_images()
    layers = _pooled_cnn().fit(X, y)._network.layers
    norms = [layer for layer in layers if isinstance(layer, BatchNorm)]
    assert [(norm.applies_relu, norm.pools) for norm in norms] == [(True, True), (True, False)]
    relus = [layer for layer in layers if isinstance(layer, Activation)]
    assert [relu.applied_before for relu in relus] == [True, True, False, False]  # + dense's
    assert not any(layer.applies_relu for layer in layers if type(layer) is MaxPool2D)
