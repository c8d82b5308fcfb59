"""Convolutional networks: the estimators turn their hyperparameters into conv blocks and
a dense head."""

import warnings

import numpy as np
from scipy.sparse import issparse

from ._checks import positive_ints
from ._classifier import NetworkClassifier
from ._docstrings import ATTRIBUTES_DOC
from ._hyperparameters import constraints, parameters_doc, records_for
from ._regressor import NetworkRegressor
from .nn.architectures import conv_stack, dense_stack, spec_stack
from .nn.presets import preset_specs
from .nn.specs import AuxiliaryHeads


class _CNNLayers:
    """Shared by CNNClassifier and CNNRegressor: input shapes, conv blocks, the head."""

    _predict_chunk = 64
    """Images per forward pass at inference on the CPU: the activations of one chunk are
    the peak memory of predicting (a 32-filter map of 256 Fashion-MNIST images is 26 MB,
    and an epoch's clean loss runs the same way); 64 predict 10,000 images as fast as 256
    (1.09 against 1.23 s for ``bench_fashion.py``'s network)."""
    _device_predict_chunk = 256

    def _check_parameter_combinations(self):
        super()._check_parameter_combinations()
        self._block_settings()
        if self.input_shape is not None:
            _input_shape_tuple(self.input_shape)

    def _specs(self, in_shape):
        """The layer specs of ``architecture`` for channels-last input ``in_shape``."""
        if isinstance(self.architecture, str):
            return preset_specs(self.architecture, in_shape, self.width, self.depth)
        return self.architecture

    def _block_settings(self):
        filters = positive_ints(self.filters, "filters")
        kernels = positive_ints(self.kernel_size, "kernel_size", len(filters))
        strides = positive_ints(self.strides, "strides", len(filters))
        return filters, kernels, strides

    def _flat_samples(self, X):
        """Images (4-D), one-channel images (3-D) or flat rows (2-D) as rows of values."""
        if issparse(X):
            return X, None  # scikit-learn's validation rejects it with its own message
        array = np.asarray(X)
        if array.dtype == object and array.size and np.ndim(array.flat[0]) > 0:
            raise ValueError(
                f"X holds arrays inside its cells (shape {array.shape}, e.g. a DataFrame "
                "column of images): stack them into one numeric array first, e.g. "
                "np.stack(df['image'].to_numpy()), of shape (n, C, H, W), (n, H, W) or "
                "(n, n_features)."
            )
        if array.ndim <= 2:
            return X, None
        return array.reshape(len(array), -1), array.shape

    def _check_input_shape(self, x_shape, n_values, reset):
        sample_shape = None if x_shape is None else tuple(x_shape[1:])
        if not reset:
            if not _fits(sample_shape, self.input_shape_):
                raise ValueError(
                    f"X has shape {tuple(x_shape)}, but {type(self).__name__} was "
                    f"fitted with input_shape {self.input_shape_} (NCHW): give X as "
                    f"{_layouts(self.input_shape_)}."
                )
            return
        if self.input_shape is not None:
            shape = _input_shape_tuple(self.input_shape)
            if int(np.prod(shape)) != n_values or not _fits(sample_shape, shape):
                given = ("n", n_values) if x_shape is None else tuple(x_shape)
                raise ValueError(
                    f"input_shape={self.input_shape!r} needs {int(np.prod(shape))} values per "
                    f"sample in that shape, but X has shape {given}."
                )
        elif sample_shape is None:
            shape = (1, n_values)  # each row is a 1-D signal
        else:
            shape = (1,) + tuple(sample_shape) if len(sample_shape) == 2 else sample_shape
            _warn_if_channels_last(shape)
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
            if self.architecture is None:
                layers, n_flat = conv_stack(
                    (height, width, channels), filters, kernels, strides,
                    padding=self.padding, pooling=self.pooling, pool_size=self.pool_size,
                    activation=self.activation, batch_norm=self.batch_norm,
                    spatial_dropout=self.spatial_dropout, residual=self.residual,
                    augment=self.augment,
                )
            else:
                layers, n_flat = spec_stack(
                    (height, width, channels), self._specs((height, width, channels)),
                    augment=self.augment, heads=AuxiliaryHeads(n_outputs, self.aux_weight))
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


def _fits(sample_shape, expected):
    """Whether samples of ``sample_shape`` (None: flat rows, already counted) read as
    ``expected``: the same shape, or without ``expected``'s single channel axis."""
    if sample_shape is None:
        return True
    sample = tuple(int(v) for v in sample_shape)
    return sample == tuple(expected) or (1,) + sample == tuple(expected)


def _layouts(shape):
    """The layouts of X that hold samples of ``shape``, for error messages."""
    layouts = ["(n, " + ", ".join(map(str, shape)) + ")", f"(n, {int(np.prod(shape))})"]
    if shape[0] == 1 and len(shape) == 3:
        layouts.insert(1, f"(n, {shape[1]}, {shape[2]})")
    return ", ".join(layouts[:-1]) + " or " + layouts[-1]


CHANNELS_LAST_SIZES = (1, 3, 4)
"""Channel counts of grey, RGB and RGBA images: a last axis of this size after a larger
first axis suggests channels-last images."""


def _warn_if_channels_last(shape):
    if len(shape) == 3 and shape[2] in CHANNELS_LAST_SIZES and shape[0] > max(shape[2], 4):
        c, h, w = shape
        warnings.warn(
            f"X is read as NCHW images with C={c}, H={h}, W={w} (input_shape={shape}); its "
            f"last axis of {w} looks like the channels of channels-last (N, H, W, C) images. "
            "If it is, pass X.transpose(0, 3, 1, 2); set input_shape to silence this.",
            UserWarning, stacklevel=4,
        )


_CLASS_DOC = """Convolutional neural network {kind}.

    Conv blocks (``Conv2D -> [BatchNorm] -> activation -> [+ shortcut] -> [pooling] ->
    [SpatialDropout]``, one per entry of ``filters``), or the preset or layer specs of
    ``architecture``, then the dense head of ``hidden_layer_sizes`` and a linear output
    layer{output}.

    X may be images ``(n_samples, C, H, W)`` (channels first), one-channel images
    ``(n_samples, H, W)``, or rows ``(n_samples, n_features)`` reshaped to ``input_shape``
    (so the estimator works after a scaler in a Pipeline); ``predict`` takes any of these,
    whatever ``fit`` saw. ``n_features_in_`` is the number of values per sample.

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
        spatial_dropout=0.0, residual=False, augment=None, architecture=None, depth=None,
        width=None, aux_weight=0.3, initializer="auto",
        optimizer="adam", learning_rate="auto", lr_schedule="constant", momentum=0.9,
        beta_1=0.9, beta_2=0.999, rho=0.9, epsilon=1e-8, batch_size="auto", max_iter=200,
        dropout=0.0, dropconnect=0.0, l1=0.0, l2=0.0, batch_norm=False, loss="auto",
        clip_norm=None, clip_value=None, early_stopping=False, validation_fraction=0.1,
        n_iter_no_change=10, tol=1e-4, shuffle=True, class_weight=None, random_state=None,
        verbose=0, warm_start=False, init_from=None, freeze=None,
        device="auto",
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
        self.architecture = architecture
        self.depth = depth
        self.width = width
        self.aux_weight = aux_weight
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
        self.init_from = init_from
        self.freeze = freeze
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
        spatial_dropout=0.0, residual=False, augment=None, architecture=None, depth=None,
        width=None, aux_weight=0.3, initializer="auto",
        optimizer="adam", learning_rate="auto", lr_schedule="constant", momentum=0.9,
        beta_1=0.9, beta_2=0.999, rho=0.9, epsilon=1e-8, batch_size="auto", max_iter=200,
        dropout=0.0, dropconnect=0.0, l1=0.0, l2=0.0, batch_norm=False,
        loss="squared_error", clip_norm=None, clip_value=None, early_stopping=False,
        validation_fraction=0.1, n_iter_no_change=10, tol=1e-4, shuffle=True,
        random_state=None, verbose=0, warm_start=False, init_from=None, freeze=None,
        device="auto",
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
        self.architecture = architecture
        self.depth = depth
        self.width = width
        self.aux_weight = aux_weight
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
        self.init_from = init_from
        self.freeze = freeze
        self.device = device
