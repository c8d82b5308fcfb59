"""Convolutional networks: the estimators turn their hyperparameters into conv blocks and
a dense head."""

import numpy as np

from ._checks import positive_ints
from ._classifier import NetworkClassifier
from ._docstrings import ATTRIBUTES_DOC
from ._hyperparameters import constraints, parameters_doc, records_for
from ._regressor import NetworkRegressor
from .nn.architectures import conv_stack, dense_stack


class _CNNLayers:
    """Shared by CNNClassifier and CNNRegressor: input shapes, conv blocks, the head."""

    _allow_nd = True
    _predict_chunk = 256

    def _check_parameter_combinations(self):
        super()._check_parameter_combinations()
        self._block_settings()
        if self.input_shape is not None:
            _input_shape_tuple(self.input_shape)

    def _block_settings(self):
        filters = positive_ints(self.filters, "filters")
        kernels = positive_ints(self.kernel_size, "kernel_size", len(filters))
        strides = positive_ints(self.strides, "strides", len(filters))
        return filters, kernels, strides

    def _check_input_shape(self, X, reset):
        if not reset:
            if _sample_shape(X.shape, self.input_shape_) != self.input_shape_:
                raise ValueError(
                    f"X has samples of shape {X.shape[1:]}, but {type(self).__name__} was fitted "
                    f"with input_shape {self.input_shape_}."
                )
            return
        if self.input_shape is None:
            shape = {4: X.shape[1:], 3: (1,) + X.shape[1:], 2: (1, X.shape[1])}[X.ndim]
        else:
            shape = _input_shape_tuple(self.input_shape)
            if _sample_shape(X.shape, shape) != shape:
                raise ValueError(
                    f"input_shape={self.input_shape!r} needs {int(np.prod(shape))} values per "
                    f"sample in that shape, but X has shape {X.shape}."
                )
        self.input_shape_ = tuple(int(v) for v in shape)

    def _network_input(self, X):
        maps = X.reshape((len(X),) + self.input_shape_)
        if maps.ndim == 3:  # 1-D signals (n, C, L) are images of height 1
            maps = maps[:, :, None, :]
        return np.ascontiguousarray(maps.transpose(0, 2, 3, 1))

    def _build_layers(self, sample_shape, n_outputs):
        shape = self.input_shape_
        channels, height, width = shape if len(shape) == 3 else (shape[0], 1, shape[1])
        filters, kernels, strides = self._block_settings()
        try:
            layers, n_flat = conv_stack(
                (height, width, channels), filters, kernels, strides, padding=self.padding,
                pooling=self.pooling, pool_size=self.pool_size, activation=self.activation,
                batch_norm=self.batch_norm, spatial_dropout=self.spatial_dropout,
                residual=self.residual, augment=self.augment,
            )
        except ValueError as error:
            raise ValueError(f"{error} The input has input_shape {shape} "
                             f"(n_features={int(np.prod(shape))}).") from None
        return layers + dense_stack(
            n_flat, self._hidden_sizes(), n_outputs, activation=self.activation,
            batch_norm=self.batch_norm, dropout=self.dropout, dropconnect=self.dropconnect,
            first_layer_id=len(filters),
        )


def _input_shape_tuple(input_shape):
    values = tuple(np.asarray(input_shape, dtype=object).ravel())
    if len(values) not in (2, 3):
        values = None
    return positive_ints(values, "input_shape",
                         wanted="(C, H, W) for images or (C, L) for 1-D signals, positive ints",
                         shown=input_shape)


def _sample_shape(x_shape, expected):
    """X's sample shape read as ``expected`` where the sizes allow it (a flat row, a missing
    channel axis), else X's own sample shape."""
    sample = tuple(x_shape[1:])
    if len(sample) == 1 and sample[0] == int(np.prod(expected)):
        return expected
    if (1,) + sample == expected:
        return expected
    return sample


_CLASS_DOC = """Convolutional neural network {kind}.

    Conv blocks (``Conv2D -> [BatchNorm] -> activation -> [+ shortcut] -> [pooling] ->
    [SpatialDropout]``, one per entry of ``filters``), then the dense head of
    ``hidden_layer_sizes`` and a linear output layer{output}.

    Training runs in X's dtype when it is float32, else float64; convolutions and pooling
    run in Numba kernels (:mod:`skdeep.ops`).
"""


class CNNClassifier(_CNNLayers, NetworkClassifier):
    __doc__ = (
        _CLASS_DOC.format(kind="classifier", output=",\n    trained with cross-entropy (softmax "
                          "for multiclass, sigmoid for binary and\n    multilabel targets)")
        + parameters_doc(records_for(classifier=True, cnn=True))
        + ATTRIBUTES_DOC
        + """    classes_ : ndarray of shape (n_classes,)
        Class labels.
    input_shape_ : tuple of int
        Shape of one sample: ``(C, H, W)`` or ``(C, L)``.
"""
    )

    _parameter_constraints = constraints(records_for(classifier=True, cnn=True))

    def __init__(
        self, hidden_layer_sizes=(100,), activation="relu", *, input_shape=None,
        filters=(32, 64), kernel_size=3, strides=1, padding="same", pooling="max", pool_size=2,
        spatial_dropout=0.0, residual=False, augment=None, initializer="auto",
        optimizer="adam", learning_rate="auto", lr_schedule="constant", momentum=0.9,
        beta_1=0.9, beta_2=0.999, rho=0.9, epsilon=1e-8, batch_size="auto", max_iter=200,
        dropout=0.0, dropconnect=0.0, l1=0.0, l2=0.0, batch_norm=False, loss="auto",
        clip_norm=None, clip_value=None, early_stopping=False, validation_fraction=0.1,
        n_iter_no_change=10, tol=1e-4, shuffle=True, class_weight=None, random_state=None,
        verbose=0, warm_start=False, device="auto",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.input_shape = input_shape
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.padding = padding
        self.pooling = pooling
        self.pool_size = pool_size
        self.spatial_dropout = spatial_dropout
        self.residual = residual
        self.augment = augment
        self.initializer = initializer
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.lr_schedule = lr_schedule
        self.momentum = momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.rho = rho
        self.epsilon = epsilon
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.dropout = dropout
        self.dropconnect = dropconnect
        self.l1 = l1
        self.l2 = l2
        self.batch_norm = batch_norm
        self.loss = loss
        self.clip_norm = clip_norm
        self.clip_value = clip_value
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.shuffle = shuffle
        self.class_weight = class_weight
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.device = device


class CNNRegressor(_CNNLayers, NetworkRegressor):
    __doc__ = (
        _CLASS_DOC.format(kind="regressor", output=" with one output per target")
        + parameters_doc(records_for(classifier=False, cnn=True))
        + ATTRIBUTES_DOC
        + """    input_shape_ : tuple of int
        Shape of one sample: ``(C, H, W)`` or ``(C, L)``.
"""
    )

    _parameter_constraints = constraints(records_for(classifier=False, cnn=True))

    def __init__(
        self, hidden_layer_sizes=(100,), activation="relu", *, input_shape=None,
        filters=(32, 64), kernel_size=3, strides=1, padding="same", pooling="max", pool_size=2,
        spatial_dropout=0.0, residual=False, augment=None, initializer="auto",
        optimizer="adam", learning_rate="auto", lr_schedule="constant", momentum=0.9,
        beta_1=0.9, beta_2=0.999, rho=0.9, epsilon=1e-8, batch_size="auto", max_iter=200,
        dropout=0.0, dropconnect=0.0, l1=0.0, l2=0.0, batch_norm=False,
        loss="squared_error", clip_norm=None, clip_value=None, early_stopping=False,
        validation_fraction=0.1, n_iter_no_change=10, tol=1e-4, shuffle=True,
        random_state=None, verbose=0, warm_start=False, device="auto",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.input_shape = input_shape
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.padding = padding
        self.pooling = pooling
        self.pool_size = pool_size
        self.spatial_dropout = spatial_dropout
        self.residual = residual
        self.augment = augment
        self.initializer = initializer
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.lr_schedule = lr_schedule
        self.momentum = momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.rho = rho
        self.epsilon = epsilon
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.dropout = dropout
        self.dropconnect = dropconnect
        self.l1 = l1
        self.l2 = l2
        self.batch_norm = batch_norm
        self.loss = loss
        self.clip_norm = clip_norm
        self.clip_value = clip_value
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.shuffle = shuffle
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.device = device
