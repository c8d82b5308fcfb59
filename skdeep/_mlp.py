"""Multi-layer perceptrons: the estimators turn their hyperparameters into a dense stack."""

import numpy as np

from ._classifier import NetworkClassifier
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


_PARAMETERS_DOC = """
    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
        Units of each hidden layer; ``()`` gives a linear model.
    activation : {"identity", "sigmoid", "logistic", "tanh", "relu", "leaky_relu", "elu", \
"maxout"}, default="relu"
        Hidden-layer nonlinearity. ``"logistic"`` is an alias of ``"sigmoid"``; maxout
        keeps the largest of 2 linear pieces per unit.
    initializer : str, default="auto"
        Weight initialization: ``"auto"`` (He for the ReLU family and maxout, Glorot
        otherwise), ``"zeros"``, ``"normal"`` (N(0, 0.01²)), ``"uniform"`` (U(-0.05, 0.05)),
        ``"glorot_normal"``, ``"glorot_uniform"``, ``"he_normal"``, ``"he_uniform"``,
        ``"lecun_normal"``. Biases start at zero.
    optimizer : {"sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam", \
"adamw"}, default="adam"
    learning_rate : float, default=1e-3
        Step size (multiplied by ``lr_schedule``'s factor).
    lr_schedule : {"constant", "step", "exponential", "invscaling", "cosine", "plateau"}, \
default="constant"
        ``"step"``: halve every 10 epochs; ``"exponential"``: ×0.95 per epoch;
        ``"invscaling"``: divide by sqrt(epoch + 1); ``"cosine"``: cosine decay to 0 at
        ``max_iter``; ``"plateau"``: divide by 5 when progress stalls for
        ``n_iter_no_change`` epochs instead of stopping.
    momentum : float, default=0.9
        Momentum of ``"momentum"`` and ``"nesterov"``.
    beta_1, beta_2 : float, default=0.9, 0.999
        Adam's decay rates of the first and second moment estimates.
    rho : float, default=0.9
        Decay rate of RMSprop's and AdaDelta's squared-gradient average.
    epsilon : float, default=1e-8
        Added to denominators of the adaptive optimizers.
    batch_size : int, "auto" or None, default="auto"
        Samples per step; ``"auto"`` is ``min(200, n_samples)``; ``None`` is full-batch
        gradient descent.
    max_iter : int, default=200
        Maximum number of epochs.
    dropout : float in [0, 1), default=0.0
        Inverted dropout on every hidden layer's output while training.
    dropconnect : float in [0, 1), default=0.0
        Probability of dropping each weight of the hidden dense layers while training.
    l1, l2 : float, default=0.0
        Penalties ``l1 * sum|w| + l2 / 2 * sum w²`` on weights (not biases or batch-norm
        parameters). With ``optimizer="adamw"``, ``l2`` is decoupled weight decay instead.
    batch_norm : bool, default=False
        Batch normalization before every hidden activation.
    loss : str
        See the class's description.
    clip_norm, clip_value : float or None, default=None
        Clip the gradient to a global L2 norm, or each entry to ``[-clip_value, clip_value]``.
        Setting both is an error.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data, stop when its score stops improving,
        and restore the weights of the best epoch.
    validation_fraction : float, default=0.1
    n_iter_no_change : int, default=10
        Epochs without an improvement of at least ``tol`` before stopping.
    tol : float, default=1e-4
    shuffle : bool, default=True
        Shuffle samples every epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds initialization, shuffling, dropout masks and the validation split.
    verbose : int, default=0
        Print one line per epoch (loss, validation score, seconds) when positive.
    warm_start : bool, default=False
        Continue from the fitted weights on the next ``fit``.
    device : {"auto", "cpu", "cuda"}, default="auto"
        Where to train. This version trains on the CPU; ``"cuda"`` raises an error.
"""

_ATTRIBUTES_DOC = """
    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X has column names.
    n_outputs_ : int
        Width of the output layer.
    n_iter_ : int
        Epochs run (accumulated over ``warm_start`` and ``partial_fit`` calls).
    t_ : int
        Training samples seen.
    loss_ : float
        Mean training loss of the last epoch (penalties included).
    loss_curve_ : list of float
        Mean training loss of each epoch.
    best_loss_ : float or None
        Lowest training loss (None with early stopping).
    validation_scores_ : list of float or None
        Validation score of each epoch (with early stopping).
    best_validation_score_ : float or None
        Best validation score (with early stopping).
    coefs_ : list of ndarray
        Weight matrices of the dense layers, input to output.
    intercepts_ : list of ndarray
        Bias vectors of the dense layers.
"""


class MLPClassifier(_MLPLayers, NetworkClassifier):
    __doc__ = (
        """Multi-layer perceptron classifier.

    Trains cross-entropy: a softmax over the classes for multiclass targets, one sigmoid
    output for binary targets, one sigmoid per label for multilabel indicator targets.
"""
        + _PARAMETERS_DOC.replace(
            "    loss : str\n        See the class's description.\n",
            "    loss : {\"auto\"}, default=\"auto\"\n        Cross-entropy.\n"
            "    class_weight : dict, \"balanced\" or None, default=None\n"
            "        Multiplies each sample's weight by its class's weight.\n",
        )
        + _ATTRIBUTES_DOC
        + """    classes_ : ndarray of shape (n_classes,)
        Class labels.
"""
    )

    def __init__(
        self, hidden_layer_sizes=(100,), activation="relu", *, initializer="auto",
        optimizer="adam", learning_rate=1e-3, lr_schedule="constant", momentum=0.9,
        beta_1=0.9, beta_2=0.999, rho=0.9, epsilon=1e-8, batch_size="auto", max_iter=200,
        dropout=0.0, dropconnect=0.0, l1=0.0, l2=0.0, batch_norm=False, loss="auto",
        clip_norm=None, clip_value=None, early_stopping=False, validation_fraction=0.1,
        n_iter_no_change=10, tol=1e-4, shuffle=True, class_weight=None, random_state=None,
        verbose=0, warm_start=False, device="auto",
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
        self.device = device


class MLPRegressor(_MLPLayers, NetworkRegressor):
    __doc__ = (
        """Multi-layer perceptron regressor with linear outputs, one per target.
"""
        + _PARAMETERS_DOC.replace(
            "    loss : str\n        See the class's description.\n",
            "    loss : {\"squared_error\", \"absolute_error\", \"huber\", \"auto\"}, "
            "default=\"squared_error\"\n"
            "        Half mean squared error, mean absolute error, or Huber loss (quadratic\n"
            "        within 1 of the target, linear beyond). ``\"auto\"`` means squared error.\n",
        )
        + _ATTRIBUTES_DOC
    )

    def __init__(
        self, hidden_layer_sizes=(100,), activation="relu", *, initializer="auto",
        optimizer="adam", learning_rate=1e-3, lr_schedule="constant", momentum=0.9,
        beta_1=0.9, beta_2=0.999, rho=0.9, epsilon=1e-8, batch_size="auto", max_iter=200,
        dropout=0.0, dropconnect=0.0, l1=0.0, l2=0.0, batch_norm=False,
        loss="squared_error", clip_norm=None, clip_value=None, early_stopping=False,
        validation_fraction=0.1, n_iter_no_change=10, tol=1e-4, shuffle=True,
        random_state=None, verbose=0, warm_start=False, device="auto",
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
        self.device = device
