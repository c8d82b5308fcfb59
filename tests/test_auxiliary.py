"""Auxiliary classifiers: their loss joins the training loss (gradient checked), they are
skipped at predict time, and ``aux_weight`` weighs or removes them."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits

from skdeep import CNNClassifier, CNNRegressor
from skdeep.nn import ForwardContext, Network
from skdeep.nn.architectures import spec_stack
from skdeep.nn.layers import AuxiliaryFork, AuxiliaryOutput, Dense
from skdeep.nn.specs import AuxiliaryHeads, SpecError, build_layers
from skdeep.ops.cpu.masks import row_keys

from ._finite_difference import numerical_gradient

SPECS = [("conv", 3, 3), "tanh",
         ("aux", [("avgpool", 2), ("conv", 2, 1), "tanh"], 4),
         ("conv", 2, 3), "bn", "tanh"]


def _network(specs, weight, n_outputs=3, seed=0):
    layers, n_flat = spec_stack((6, 6, 2), specs, heads=AuxiliaryHeads(n_outputs, weight))
    network = Network(layers + [Dense(n_flat, n_outputs)], "softmax_cross_entropy", np.float64)
    rng = np.random.default_rng(seed)
    network.initialize("glorot_normal", rng)
    network.theta[...] += 0.1 * rng.standard_normal(network.theta.size)
    return network


def _batch(seed=1):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((5, 6, 6, 2))
    y = np.eye(3)[rng.integers(0, 3, 5)]
    fraction = rng.random(5)
    return x, y, fraction / fraction.sum()


def test_training_loss_gradient_includes_the_auxiliary_loss():
    network = _network(SPECS, weight=0.7)
    x, y, fraction = _batch()
    ctx = ForwardContext(training=True, sample_fraction=fraction, row_keys=row_keys(x, 3))
    network.loss_and_gradient(x, y, fraction, ctx)
    analytic = network.grad.copy()
    expected = numerical_gradient(lambda: network.loss_and_gradient(x, y, fraction, ctx),
                                  network.theta)
    assert_allclose(analytic, expected, rtol=1e-6, atol=1e-8)


def test_auxiliary_loss_is_weighted_by_aux_weight():
    x, y, fraction = _batch()
    ctx = ForwardContext(training=True, sample_fraction=fraction)
    terms = {w: _network(SPECS, weight=w).loss_terms(x, y, fraction, ctx) for w in (0.2, 0.6)}
    assert len(terms[0.2]) == 2
    assert_allclose(terms[0.2][0], terms[0.6][0])  # same weights: the same main loss
    assert_allclose(terms[0.6][1], 3 * terms[0.2][1])


def test_predictions_never_use_the_auxiliary_branch():
    network = _network(SPECS, weight=0.3)
    x, _, _ = _batch()
    before = network.predict(x)
    fork = next(i for i, layer in enumerate(network.layers) if isinstance(layer, AuxiliaryFork))
    end = next(i for i, layer in enumerate(network.layers) if isinstance(layer, AuxiliaryOutput))
    for layer in network.layers[fork:end]:
        for spec in layer.param_specs():
            getattr(layer, spec.name)[...] = 7.0  # change every weight of the branch
    assert_array_equal(network.predict(x), before)
    assert not set(network.inference_layers) & set(network.layers[fork:end + 1])


def test_aux_weight_zero_builds_no_auxiliary_classifier():
    layers, _ = build_layers(SPECS, (6, 6, 2), heads=AuxiliaryHeads(3, 0.0))
    assert not any(isinstance(layer, (AuxiliaryFork, AuxiliaryOutput)) for layer in layers)
    assert len(layers) == len(build_layers(SPECS, (6, 6, 2))[0]) == 5


@pytest.mark.parametrize("spec", [("aux",), ("aux", [], 0), ("aux", [], 4, 1.5),
                                  ("aux", "conv"), ("aux", [], (4, "8"))])
def test_bad_auxiliary_specs_name_their_position(spec):
    with pytest.raises(SpecError, match=r"architecture\[1\].*'aux', \[spec"):
        build_layers([("conv", 2, 3), spec], (6, 6, 1), heads=AuxiliaryHeads(2, 0.3))


def _digits():
    X, y = load_digits(return_X_y=True)
    return X[:200].reshape(-1, 1, 8, 8) / 16, y[:200]


def test_estimator_with_an_auxiliary_classifier_predicts_and_is_deterministic():
    X, y = _digits()
    specs = [("conv", 8, 3), "relu", ("aux", [("conv", 4, 1), "relu"], 16, 0.5),
             ("maxpool", 2), ("conv", 8, 3), "relu", "gap"]
    params = dict(architecture=specs, hidden_layer_sizes=(), max_iter=3, random_state=0)
    with pytest.warns(UserWarning):  # not converged in 3 epochs
        first = CNNClassifier(**params).fit(X, y)
    with pytest.warns(UserWarning):
        second = CNNClassifier(**params).fit(X, y)
    assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    assert np.all(np.isfinite(first.predict_proba(X)))
    n_aux = sum(isinstance(layer, AuxiliaryOutput) for layer in first._network.layers)
    assert n_aux == 1
    with pytest.warns(UserWarning):
        plain = CNNClassifier(**params, aux_weight=0).fit(X, y)
    assert plain._network.theta.size < first._network.theta.size


def test_regressor_auxiliary_head_predicts_every_target():
    X, y = _digits()
    Y = np.c_[y, -y].astype(float)
    specs = [("conv", 4, 3), "relu", ("aux", ["gap"]), "gap"]
    with pytest.warns(UserWarning):
        model = CNNRegressor(architecture=specs, hidden_layer_sizes=(), max_iter=2,
                             random_state=0).fit(X, Y)
    output = next(layer for layer in model._network.layers if isinstance(layer, Dense)
                  and layer.n_out == 2)
    assert output.n_in == 4
    assert model.predict(X).shape == (200, 2)


def test_aux_weight_must_be_non_negative():
    X, y = _digits()
    with pytest.raises(ValueError, match="aux_weight"):
        CNNClassifier(architecture=SPECS, aux_weight=-1).fit(X, y)


def test_coefs_hold_the_main_path_only():
    X, y = _digits()
    specs = [("conv", 4, 3), "relu", ("aux", ["gap"], 6), "gap"]
    with pytest.warns(UserWarning):
        model = CNNClassifier(architecture=specs, hidden_layer_sizes=(5,), max_iter=1,
                              random_state=0).fit(X, y)
    assert [w.shape for w in model.coefs_] == [(4, 5), (5, 10)]
