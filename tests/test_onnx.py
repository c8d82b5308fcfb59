"""ONNX export: onnxruntime's labels, probabilities and values equal predict and
predict_proba to 1e-4 for every layer kind, every preset and inside a Pipeline."""

import numpy as np
import onnxruntime
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from skl2onnx import to_onnx
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skdeep.onnx  # noqa: F401 (registers the converters)
from skdeep import CNNClassifier, CNNRegressor, MLPClassifier, MLPRegressor

X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
IMAGES16 = np.kron(X.reshape(-1, 8, 8), np.ones((2, 2), np.float32)).reshape(len(X), -1)


def _run(model, data):
    options = {"zipmap": False} if hasattr(model, "predict_proba") else None
    onx = to_onnx(model, data[:1], options=options)
    session = onnxruntime.InferenceSession(onx.SerializeToString(),
                                           providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: data})


def _assert_same(model, data):
    outputs = _run(model, data)
    if hasattr(model, "predict_proba"):
        assert_array_equal(outputs[0], model.predict(data))
        assert_allclose(outputs[1], model.predict_proba(data), atol=1e-4)
    else:
        assert_allclose(outputs[0].reshape(model.predict(data).shape), model.predict(data),
                        atol=1e-4, rtol=1e-4)


SPECS = [("conv", 4, 3), "bn", "relu", ("aux", ["gap"]),
         ("concat", [("conv", 2, 1)], [("maxpool", 3, 1, 1)]),
         ("dual", [("conv", 4, 3, 1, 1, 2), "elu", ("conv", 8, 1)], 4),
         ("residual", [("conv", 8, 3, 2), "bn"]), "tanh", ("avgpool", 2, 1, 1),
         ("residual", [("conv", 8, 3), "leaky_relu"]), ("stochasticpool", 2, 1),
         ("spatial_dropout", 0.1), "sigmoid", ("dropout", 0.1), "gap"]

LAYER_KINDS = [
    MLPClassifier((16, 8), activation="maxout", batch_norm=True, dropout=0.1),
    MLPClassifier((8,), activation="elu", dropconnect=0.2),
    MLPRegressor((16,), activation="leaky_relu"),
    MLPRegressor((8,), activation="identity", batch_norm=True),
    CNNClassifier(input_shape=(1, 8, 8), filters=(4, 6), batch_norm=True, residual=True,
                  pooling="stochastic", strides=(1, 2), activation="maxout"),
    CNNClassifier(input_shape=(1, 8, 8), architecture=SPECS, hidden_layer_sizes=(5,)),
    # valid padding: the residual shortcuts read the centre of a shrinking map
    CNNRegressor(input_shape=(1, 8, 8), filters=(3, 5), pooling="avg", padding="valid",
                 kernel_size=(3, 2), activation="sigmoid", residual=True),
    CNNRegressor(input_shape=(4, 16), filters=(3,), pooling="max", augment="shift"),  # 1-D
]


@pytest.mark.parametrize("estimator", LAYER_KINDS, ids=lambda e: type(e).__name__)
def test_every_layer_kind_exports(estimator):
    target = y if "Classifier" in type(estimator).__name__ else np.c_[y, -y] * 0.1
    model = estimator.set_params(max_iter=2, random_state=0).fit(X[:300], target[:300])
    _assert_same(model, X[:200])


@pytest.mark.parametrize("architecture", ["lenet5", "alexnet", "vgg", "inception", "resnet",
                                          "densenet", "dpn"])
def test_every_preset_exports(architecture):
    depth = {"inception": 3, "resnet": 8, "densenet": 10, "dpn": 3}.get(architecture)
    model = CNNClassifier(input_shape=(1, 16, 16), architecture=architecture, width=4,
                          depth=depth, hidden_layer_sizes=(8,), max_iter=1, random_state=0)
    model.fit(IMAGES16[:200], y[:200])
    _assert_same(model, IMAGES16[:100])


@pytest.mark.parametrize("labels", [y % 2, np.array(["odd", "even"])[y % 2],
                                    np.array(["a", "b", "c"])[y % 3]])
def test_binary_and_string_labels_export(labels):
    model = MLPClassifier((8,), max_iter=3, random_state=0).fit(X[:300], labels[:300])
    _assert_same(model, X[:200])


def test_a_pipeline_with_a_network_exports():
    model = make_pipeline(StandardScaler(), CNNClassifier(input_shape=(1, 8, 8), filters=(4,),
                                                          max_iter=2, random_state=0))
    model.fit(X[:300], y[:300])
    _assert_same(model, X[:200])


def test_a_float64_model_exports_in_float32():
    model = MLPRegressor((8,), max_iter=3, random_state=0).fit(X.astype(np.float64), y * 1.0)
    assert model._network.dtype == np.float64
    _assert_same(model, X[:100])


def test_multilabel_classifiers_export_indicators_and_probabilities():
    labels = np.c_[y % 2, y % 3 == 0, y > 4].astype(int)
    model = CNNClassifier(input_shape=(1, 8, 8), filters=(4,), hidden_layer_sizes=(8,),
                          max_iter=3, random_state=0).fit(X[:300], labels[:300])
    indicators, probabilities = _run(model, X[:200])
    assert indicators.shape == (200, 3) and indicators.dtype == np.int64
    assert_array_equal(indicators, model.predict(X[:200]))
    assert_allclose(probabilities, model.predict_proba(X[:200]), atol=1e-4)


def test_a_missing_skl2onnx_says_how_to_install_it(monkeypatch):
    import importlib
    import sys

    monkeypatch.setitem(sys.modules, "skl2onnx", None)  # as if not installed
    monkeypatch.delitem(sys.modules, "skdeep.onnx")
    with pytest.raises(ModuleNotFoundError, match=r'pip install "scikit-deep\[onnx\]"'):
        importlib.import_module("skdeep.onnx")
