"""Multi-layer perceptrons: the estimators turn their hyperparameters into a dense stack."""

import numpy as np

from ._classifier import NetworkClassifier
from ._docstrings import ATTRIBUTES_DOC
from ._hyperparameters import constraints, parameters_doc, records_for
from ._regressor import NetworkRegressor
from .nn.architectures import dense_stack


class _MLPLayers:
    """Builds ``hidden_layer_sizes`` dense layers and a linear output layer."""

    def _build_layers(self, sample_shape, n_outputs):
        return dense_stack(
            int(np.prod(sample_shape)), self._hidden_sizes(), n_outputs,
            activation=self.activation, batch_norm=self.batch_norm,
            dropout=self.dropout, dropconnect=self.dropconnect,
        )


class MLPClassifier(_MLPLayers, NetworkClassifier):
    __doc__ = (
        """Multi-layer perceptron classifier.

    Trains cross-entropy: a softmax over the classes for multiclass targets, one sigmoid
    output for binary targets, one sigmoid per label for multilabel indicator targets.
"""
        + parameters_doc(records_for(classifier=True, cnn=False))
        + ATTRIBUTES_DOC
        + """    classes_ : ndarray of shape (n_classes,)
        Class labels.
"""
    )

    _parameter_constraints = constraints(records_for(classifier=True, cnn=False))

    def __init__(
        self, hidden_layer_sizes=(100,), activation="relu", *, initializer="auto",
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


class MLPRegressor(_MLPLayers, NetworkRegressor):
    __doc__ = (
        """Multi-layer perceptron regressor with linear outputs, one per target.
"""
        + parameters_doc(records_for(classifier=False, cnn=False))
        + ATTRIBUTES_DOC
    )

    _parameter_constraints = constraints(records_for(classifier=False, cnn=False))

    def __init__(
        self, hidden_layer_sizes=(100,), activation="relu", *, initializer="auto",
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
