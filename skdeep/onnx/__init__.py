"""ONNX export: importing this module registers skl2onnx converters for the four estimators.

::

    import skdeep.onnx  # noqa: F401 (registers the converters)
    from skl2onnx import to_onnx

    onx = to_onnx(model_or_pipeline, X[:1].astype(np.float32),
                  options={"zipmap": False})  # classifiers: probabilities as a matrix

The graph computes in float32 whatever the model was fitted in. Classifiers give the
labels and the class probabilities (``predict`` and ``predict_proba``; multilabel: the
label indicators and each label's probability), regressors the values (``predict``).
Every inference layer converts (see :mod:`skdeep.onnx._layers`); auxiliary classifiers
are training-only and not exported. Needs the optional extra
``onnx`` (skl2onnx, onnx, onnxruntime): ``pip install "scikit-deep[onnx]"``.
"""

import numpy as np

try:
    from skl2onnx import update_registered_converter
    from skl2onnx.common.data_types import FloatTensorType, Int64TensorType, StringTensorType
except ModuleNotFoundError as error:
    raise ModuleNotFoundError(
        f"skdeep.onnx needs skl2onnx, onnx and onnxruntime ({error.name} is missing): "
        'pip install "scikit-deep[onnx]".'
    ) from error

from .. import CNNClassifier, CNNRegressor, MLPClassifier, MLPRegressor
from ._graph import Graph
from ._layers import network_nodes

__all__ = []


def _network_input(graph, model, x):
    """The operator's input rows as the first layer takes them: rows for an MLP, NCHW
    maps (a 1-D signal as one row of pixels) for a CNN."""
    shape = getattr(model, "input_shape_", None)
    if shape is None:
        return x
    channels, height, width = shape if len(shape) == 3 else (shape[0], 1, shape[1])
    return graph.op("Reshape", [x, graph.const([-1, channels, height, width], np.int64,
                                               "shape")])


def _raw_output(scope, operator, container):
    graph, model = Graph(scope, container), operator.raw_operator
    x = operator.inputs[0].full_name
    if operator.inputs[0].type.__class__ is not FloatTensorType:
        x = graph.op("Cast", [x], to=1)  # float32
    return graph, model, network_nodes(graph, model._network, _network_input(graph, model, x))


def _convert_regressor(scope, operator, container):
    graph, model, raw = _raw_output(scope, operator, container)
    graph.op("Identity", [raw], output=operator.outputs[0].full_name)


def _convert_classifier(scope, operator, container):
    graph, model, raw = _raw_output(scope, operator, container)
    kind = model._label_binarizer.y_type_
    if kind == "multilabel-indicator":  # one sigmoid per label; a label is on above 0.5
        probabilities = graph.op("Sigmoid", [raw], output=operator.outputs[1].full_name)
        on = graph.op("Greater", [probabilities, graph.const(np.float32(0.5), hint="half")])
        graph.op("Cast", [on], output=operator.outputs[0].full_name, to=7)  # int64
        return
    if kind == "binary":  # one sigmoid output: P(classes_[1])
        positive = graph.op("Sigmoid", [raw])
        negative = graph.op("Sub", [graph.const(np.ones((1, 1), np.float32), hint="one"),
                                    positive])
        probabilities = graph.op("Concat", [negative, positive], axis=1)
    else:
        probabilities = graph.op("Softmax", [raw], axis=1)
    graph.op("Identity", [probabilities], output=operator.outputs[1].full_name)
    index = graph.op("ArgMax", [probabilities], axis=1, keepdims=0)
    classes = model.classes_
    if np.issubdtype(classes.dtype, np.integer):
        table = graph.const(classes, np.int64, "classes")
    else:
        table = graph.strings(classes)
    graph.op("Gather", [table, index], output=operator.outputs[0].full_name, axis=0)


def _classifier_shapes(operator):
    model, n = operator.raw_operator, operator.inputs[0].get_first_dimension()
    if model._label_binarizer.y_type_ == "multilabel-indicator":
        operator.outputs[0].type = Int64TensorType([n, len(model.classes_)])
    elif np.issubdtype(model.classes_.dtype, np.integer):
        operator.outputs[0].type = Int64TensorType([n])
    elif model.classes_.dtype.kind in "OUS":
        operator.outputs[0].type = StringTensorType([n])
    else:
        raise NotImplementedError(
            f"ONNX export needs integer or string class labels; {type(model).__name__} "
            f"was fitted with {model.classes_.dtype} labels.")
    operator.outputs[1].type = FloatTensorType([n, len(model.classes_)])


def _regressor_shapes(operator):
    n = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = FloatTensorType([n, operator.raw_operator.n_outputs_])


for _estimator in (MLPClassifier, CNNClassifier):
    update_registered_converter(_estimator, f"Skdeep{_estimator.__name__}", _classifier_shapes,
                                _convert_classifier, options={"zipmap": [True, False, "columns"],
                                                              "nocl": [True, False]})
for _estimator in (MLPRegressor, CNNRegressor):
    update_registered_converter(_estimator, f"Skdeep{_estimator.__name__}", _regressor_shapes,
                                _convert_regressor)
