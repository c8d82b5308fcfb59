"""numpydoc text shared by the estimators' docstrings."""

_SHARED_PARAMETERS = """
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

ATTRIBUTES_DOC = """
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


CLASSIFIER_LOSS_DOC = (
    "    loss : {\"auto\"}, default=\"auto\"\n        Cross-entropy.\n"
    "    class_weight : dict, \"balanced\" or None, default=None\n"
    "        Multiplies each sample's weight by its class's weight.\n"
)

REGRESSOR_LOSS_DOC = (
    "    loss : {\"squared_error\", \"absolute_error\", \"huber\", \"auto\"}, "
    "default=\"squared_error\"\n"
    "        Half mean squared error, mean absolute error, or Huber loss (quadratic\n"
    "        within 1 of the target, linear beyond). ``\"auto\"`` means squared error.\n"
)

CNN_PARAMETERS_DOC = """    input_shape : tuple of int or None, default=None
        ``(C, H, W)`` for images or ``(C, L)`` for 1-D signals; each row of a 2-D X is
        reshaped to it. ``None``: a 4-D X is (n, C, H, W), a 3-D X (n, H, W) has one
        channel, and each row of a 2-D X is a 1-D signal ``(1, n_features)``.
    filters : tuple of int, default=(32, 64)
        One conv block per entry, with that many kernels (output channels). ``()`` gives
        an MLP on the raw input.
    kernel_size : int or tuple of int, default=3
        Kernel height and width, for all blocks or one entry per block.
    strides : int or tuple of int, default=1
        Convolution stride, for all blocks or one entry per block.
    padding : {"same", "valid"} or int, default="same"
        ``"same"`` keeps ``ceil(size / stride)`` pixels per axis; ``"valid"`` pads nothing;
        an int pads that many zeros on every side.
    pooling : {"max", "avg", "stochastic"} or None, default="max"
        Pooling after every conv block: the window's maximum, mean, or (stochastic) an
        activation drawn in proportion to its size while training and the
        probability-weighted average at predict time.
    pool_size : int, default=2
        Pooling window and stride. An axis of length 1 is not pooled (nor convolved
        across): that is how 1-D signals are handled.
    spatial_dropout : float in [0, 1), default=0.0
        Drops whole feature maps of every conv block while training.
    residual : bool, default=False
        Each block computes ``x + F(x)``, the shortcut a 1x1 convolution when the channel
        count changes (and reading every ``stride``-th pixel when the map shrinks).
    augment : {"shift", "flip", "shift_flip"} or None, default=None
        Training-time augmentation, redrawn every epoch: random shifts of up to 2 pixels
        (zeros shifted in) and/or horizontal flips.
"""


def parameters_doc(loss_doc, extra=""):
    """The Parameters section: ``extra`` (CNN hyperparameters) first, then the shared ones,
    with ``loss_doc`` in place of the generic ``loss`` entry."""
    shared = _SHARED_PARAMETERS.replace(
        "    loss : str\n        See the class's description.\n", loss_doc
    )
    head = "\n    Parameters\n    ----------\n"
    return head + extra + shared[len(head):]
