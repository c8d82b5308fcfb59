"""Every hyperparameter of the estimators, defined once: its constraint and its docstring
text side by side.

A set of choices lists the default first (numpydoc's convention, which the API page's
renderer relies on).

The estimators' ``_parameter_constraints`` and the "Parameters" sections of their
docstrings are built from these records (:func:`constraints`, :func:`parameters_doc`); the
API reference (docs/api.md) renders those docstrings. The defaults themselves are the
keyword defaults of each ``__init__`` (scikit-learn reads them there); a test checks that
every ``__init__`` parameter has a record and that each record's documented default is the
signature's.
"""

from numbers import Integral, Real
from typing import NamedTuple

from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from .nn.activations import ACTIVATIONS
from .nn.initializers import INITIALIZERS
from .nn.optimizers import OPTIMIZERS
from .nn.presets import PRESETS
from .nn.schedules import SCHEDULES


class Hyperparameter(NamedTuple):
    """One docstring entry: the names it documents, their constraint, its numpydoc text."""

    names: tuple
    constraint: list
    doc: str


_UNIT_INTERVAL = [Interval(Real, 0, 1, closed="left")]

SHARED = [
    Hyperparameter(('hidden_layer_sizes',), ["array-like", Interval(Integral, 1, None, \
closed="left")], """\
hidden_layer_sizes : tuple of int, default=(100,)
    Units of each hidden layer; ``()`` gives a linear model.
"""),
    Hyperparameter(('activation',), [StrOptions(set(ACTIVATIONS))], """\
activation : {"relu", "identity", "sigmoid", "logistic", "tanh", "leaky_relu", "elu", \
"maxout"}, default="relu"
    Hidden-layer nonlinearity. ``"logistic"`` is an alias of ``"sigmoid"``; maxout
    keeps the largest of 2 linear pieces per unit.
"""),
    Hyperparameter(('initializer',), [StrOptions({"auto"} | set(INITIALIZERS))], """\
initializer : str, default="auto"
    Weight initialization: ``"auto"`` (He for the ReLU family and maxout, Glorot
    otherwise), ``"zeros"``, ``"normal"`` (N(0, 0.01²)), ``"uniform"`` (U(-0.05, 0.05)),
    ``"glorot_normal"``, ``"glorot_uniform"``, ``"he_normal"``, ``"he_uniform"``,
    ``"lecun_normal"``. Biases start at zero.
"""),
    Hyperparameter(('optimizer',), [StrOptions(set(OPTIMIZERS))], """\
optimizer : {"adam", "sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", \
"adamw"}, default="adam"
    The update rule, in order of increasing complexity: plain SGD, heavy-ball momentum,
    Nesterov momentum, AdaGrad, AdaDelta, RMSprop, Adam, and AdamW (Adam with ``l2`` as
    decoupled weight decay).
"""),
    Hyperparameter(('learning_rate',), [Interval(Real, 0, None, closed="neither"), \
StrOptions({"auto"})], """\
learning_rate : float or "auto", default="auto"
    Step size (multiplied by ``lr_schedule``'s factor). ``"auto"``: the optimizer's
    customary rate, 0.01 for ``"sgd"``, ``"momentum"``, ``"nesterov"`` and
    ``"adagrad"``, 1.0 for ``"adadelta"`` (Zeiler's method has no rate of its own),
    1e-3 for ``"rmsprop"``, ``"adam"`` and ``"adamw"``; so a grid over ``optimizer``
    compares optimizers, not learning rates. A float sets the rate of every optimizer.
"""),
    Hyperparameter(('lr_schedule',), [StrOptions(set(SCHEDULES))], """\
lr_schedule : {"constant", "step", "exponential", "invscaling", "cosine", "plateau"}, \
default="constant"
    ``"step"``: halve every 10 epochs; ``"exponential"``: ×0.95 per epoch;
    ``"invscaling"``: divide by sqrt(epoch + 1); ``"cosine"``: cosine decay to 0 at
    ``max_iter``; ``"plateau"``: divide by 5 when progress stalls for
    ``n_iter_no_change`` epochs instead of stopping.
"""),
    Hyperparameter(('momentum',), [Interval(Real, 0, 1, closed="both")], """\
momentum : float, default=0.9
    Momentum of ``"momentum"`` and ``"nesterov"``.
"""),
    Hyperparameter(('beta_1', 'beta_2'), _UNIT_INTERVAL, """\
beta_1, beta_2 : float, default=0.9, 0.999
    Adam's decay rates of the first and second moment estimates.
"""),
    Hyperparameter(('rho',), _UNIT_INTERVAL, """\
rho : float, default=0.9
    Decay rate of RMSprop's and AdaDelta's squared-gradient average.
"""),
    Hyperparameter(('epsilon',), [Interval(Real, 0, None, closed="neither")], """\
epsilon : float, default=1e-8
    Added to denominators of the adaptive optimizers.
"""),
    Hyperparameter(('batch_size',), [Interval(Integral, 1, None, closed="left"), \
StrOptions({"auto"}), None], """\
batch_size : int, "auto" or None, default="auto"
    Samples per step; ``"auto"`` is ``min(200, n_samples)``; ``None`` is full-batch
    gradient descent.
"""),
    Hyperparameter(('max_iter',), [Interval(Integral, 1, None, closed="left")], """\
max_iter : int, default=200
    Maximum number of epochs.
"""),
    Hyperparameter(('dropout',), _UNIT_INTERVAL, """\
dropout : float in [0, 1), default=0.0
    Inverted dropout on every hidden layer's output while training.
"""),
    Hyperparameter(('dropconnect',), _UNIT_INTERVAL, """\
dropconnect : float in [0, 1), default=0.0
    Probability of dropping each weight of the hidden dense layers while training.
"""),
    Hyperparameter(('l1', 'l2'), [Interval(Real, 0, None, closed="left")], """\
l1, l2 : float, default=0.0
    Penalties ``l1 * sum|w| + l2 / 2 * sum w²`` on weights (not biases or batch-norm
    parameters). With ``optimizer="adamw"``, ``l2`` is decoupled weight decay instead.
"""),
    Hyperparameter(('batch_norm',), ["boolean"], """\
batch_norm : bool, default=False
    Batch normalization before every hidden activation.
"""),
    Hyperparameter(('clip_norm', 'clip_value'), [Interval(Real, 0, None, closed="neither"), \
None], """\
clip_norm, clip_value : float or None, default=None
    Clip the gradient to a global L2 norm, or each entry to ``[-clip_value, clip_value]``.
    Setting both is an error.
"""),
    Hyperparameter(('early_stopping',), ["boolean"], """\
early_stopping : bool, default=False
    Hold out ``validation_fraction`` of the data (or score the ``X_val``, ``y_val``
    given to ``fit``), stop when its score stops improving, and restore the weights of
    the best epoch.
"""),
    Hyperparameter(('validation_fraction',), [Interval(Real, 0, 1, closed="neither")], """\
validation_fraction : float, default=0.1
    Share of the training data held out for early stopping; not used when ``fit`` gets
    ``X_val`` and ``y_val``.
"""),
    Hyperparameter(('n_iter_no_change',), [Interval(Integral, 1, None, closed="left")], """\
n_iter_no_change : int, default=10
    Epochs without an improvement of at least ``tol`` before stopping.
"""),
    Hyperparameter(('tol',), [Interval(Real, 0, None, closed="left")], """\
tol : float, default=1e-4
"""),
    Hyperparameter(('shuffle',), ["boolean"], """\
shuffle : bool, default=True
    Shuffle samples every epoch.
"""),
    Hyperparameter(('random_state',), ["random_state"], """\
random_state : int, RandomState instance or None, default=None
    Seeds initialization, shuffling, dropout masks and the validation split.
"""),
    Hyperparameter(('verbose',), ["verbose"], """\
verbose : int, default=0
    ``1``: one line per epoch (loss, validation score, seconds). ``2`` or more: also a
    progress line within each epoch on a terminal (samples done, samples per second,
    time left), redrawn in place.
"""),
    Hyperparameter(('warm_start',), ["boolean"], """\
warm_start : bool, default=False
    Continue from the fitted weights on the next ``fit``.
"""),
    Hyperparameter(('init_from',), [HasMethods(["predict"]), None], """\
init_from : fitted skdeep estimator, FrozenEstimator or None, default=None
    Transfer learning: start ``fit`` from this estimator's weights. Layers are paired
    position by position (layers with parameters, in order); each whose kind and shapes
    match starts from the given weights (and batch norm from its running statistics);
    the others, and the output layer unless the classes (or the number of targets) are
    the same, start from ``initializer``. A fitted estimator loses its weights in
    ``clone()``, as ``GridSearchCV`` and ``cross_val_score`` call it: wrap it as
    ``sklearn.frozen.FrozenEstimator(fitted)``, which ``clone()`` keeps. An unfitted
    estimator is a ``ValueError``.
"""),
    Hyperparameter(('freeze',), [StrOptions({"features"}), Interval(Integral, 0, None, \
closed="left"), None], """\
freeze : None, "features" or int, default=None
    Layers whose weights training leaves as they are (usually with ``init_from``):
    ``"features"`` freezes everything before the dense head (a CNN's conv part; nothing
    of an MLP), an int n the first n layers with parameters (convolutions, dense layers
    and batch norms count). Frozen batch norm normalizes with its running statistics, and
    no gradient is computed below the first trained layer, so fine-tuning the head of a
    large network costs little more than training the head.
"""),
    Hyperparameter(('device',), [StrOptions({"auto", "cpu", "cuda"})], """\
device : {"auto", "cpu", "cuda"}, default="auto"
    Where to train: ``"cuda"`` on an NVIDIA GPU (an error when none is usable),
    ``"auto"`` on a GPU when one is visible, else the CPU. Fitted models hold NumPy
    arrays and predict anywhere.
"""),
]


CNN = [
    Hyperparameter(('input_shape',), ["array-like", None], """\
input_shape : tuple of int or None, default=None
    ``(C, H, W)`` for images or ``(C, L)`` for 1-D signals; each row of a 2-D X is
    reshaped to it. ``None``: a 4-D X is (n, C, H, W), a 3-D X (n, H, W) has one
    channel, and each row of a 2-D X is a 1-D signal ``(1, n_features)``.
"""),
    Hyperparameter(('filters',), ["array-like", Interval(Integral, 1, None, closed="left")], """\
filters : tuple of int, default=(32, 64)
    One conv block per entry, with that many kernels (output channels). ``()`` gives
    an MLP on the raw input.
"""),
    Hyperparameter(('kernel_size',), [Interval(Integral, 1, None, closed="left"), \
"array-like"], """\
kernel_size : int or tuple of int, default=3
    Kernel height and width, for all blocks or one entry per block.
"""),
    Hyperparameter(('strides',), [Interval(Integral, 1, None, closed="left"), "array-like"], """\
strides : int or tuple of int, default=1
    Convolution stride, for all blocks or one entry per block.
"""),
    Hyperparameter(('padding',), [StrOptions({"same", "valid"}), Interval(Integral, 0, None, \
closed="left")], """\
padding : {"same", "valid"} or int, default="same"
    ``"same"`` keeps ``ceil(size / stride)`` pixels per axis; ``"valid"`` pads nothing;
    an int pads that many zeros on every side.
"""),
    Hyperparameter(('pooling',), [StrOptions({"max", "avg", "stochastic"}), None], """\
pooling : {"max", "avg", "stochastic"} or None, default="max"
    Pooling after every conv block: the window's maximum, mean, or (stochastic) an
    activation drawn in proportion to its size while training and the
    probability-weighted average at predict time.
"""),
    Hyperparameter(('pool_size',), [Interval(Integral, 1, None, closed="left")], """\
pool_size : int, default=2
    Pooling window and stride. An axis of length 1 is not pooled (nor convolved
    across): that is how 1-D signals are handled.
"""),
    Hyperparameter(('spatial_dropout',), [Interval(Real, 0, 1, closed="left")], """\
spatial_dropout : float in [0, 1), default=0.0
    Drops whole feature maps of every conv block while training.
"""),
    Hyperparameter(('residual',), ["boolean"], """\
residual : bool, default=False
    Each block computes ``x + F(x)``, the shortcut a 1x1 convolution when the channel
    count changes (and reading every ``stride``-th pixel when the map shrinks).
"""),
    Hyperparameter(('augment',), [StrOptions({"shift", "flip", "shift_flip"}), None], """\
augment : None or {"shift", "flip", "shift_flip"}, default=None
    Training-time augmentation, redrawn every epoch: random shifts of up to 2 pixels
    (zeros shifted in) and/or horizontal flips.
"""),
    Hyperparameter(('architecture',), [StrOptions(set(PRESETS)), list, tuple, None], """\
architecture : None, {"lenet5", "alexnet", "vgg", "inception", "resnet", "densenet", \
"dpn"} or list, default=None
    The feature extractor before the dense head. ``None``: the conv blocks that
    ``filters`` to ``residual`` describe. A preset builds a family from the literature,
    sized for small images; ``filters``, ``kernel_size``, ``strides``, ``padding``,
    ``pooling``, ``pool_size``, ``spatial_dropout`` and ``residual`` are then not used:
    ``"lenet5"`` (two 5x5 convolutions with average pooling, tanh), ``"alexnet"`` (five
    convolutions with ReLU, overlapping max pooling), ``"vgg"`` (stages of 3x3
    convolutions with batch norm and ReLU), ``"inception"`` (GoogLeNet: modules of
    parallel 1x1, 3x3, 5x5 and pooling branches, auxiliary classifiers weighted by
    ``aux_weight``), ``"resnet"`` (basic residual blocks, global average pooling),
    ``"densenet"`` (DenseNet-BC: dense blocks, transitions), ``"dpn"`` (dual path
    blocks: a residual part added to, a dense part grown, grouped 3x3 convolutions). A list
    of layer specs (plain data) builds any stack, e.g. ``[("conv", 32, 3), "bn", "relu",
    ("maxpool", 2), "gap"]``; the user guide lists the kinds. The dense head of
    ``hidden_layer_sizes`` follows in every case.
"""),
    Hyperparameter(('depth',), [Interval(Integral, 1, None, closed="left"), None], """\
depth : int or None, default=None
    Depth of a preset: 11, 13, 16 or 19 for ``"vgg"`` (default 11); 6n + 2 for
    ``"resnet"`` (8, 14, 20, 32, ...; default 20); 6n + 4 for ``"densenet"`` (10, 16,
    22, 40, ...; default 40); the number of inception modules for ``"inception"`` (3 or
    more; default 9, GoogLeNet's); the number of dual path blocks for ``"dpn"`` (3n, n
    per stage; default 6). ``None``: the preset's default.
"""),
    Hyperparameter(('width',), [Interval(Integral, 1, None, closed="left"), None], """\
width : int or None, default=None
    Base channels of a preset (its first stage; later stages use multiples), or
    DenseNet's growth rate k (the maps each dense layer adds), or Inception's unit (its
    first modules output 4 x width maps). ``None``: 6 for ``"lenet5"``, 32 for
    ``"alexnet"``, 16 for ``"vgg"``, ``"inception"``, ``"resnet"`` and ``"dpn"``, 12
    for ``"densenet"``.
"""),
    Hyperparameter(('aux_weight',), [Interval(Real, 0, None, closed="left")], """\
aux_weight : float, default=0.3
    Weight of each auxiliary classifier's loss in the training loss (GoogLeNet's, in
    ``"inception"`` or an ``("aux", ...)`` spec): a side branch that predicts the target
    from an intermediate map, so that gradient reaches the early layers directly. 0 builds
    no auxiliary classifiers. They never affect predictions; ``loss_curve_`` includes
    their weighted losses (the loss being minimized), validation scores do not.
"""),
]


CLASSIFIER = [
    Hyperparameter(('loss',), [StrOptions({"auto"})], """\
loss : {"auto"}, default="auto"
    Cross-entropy.
"""),
    Hyperparameter(('class_weight',), [dict, StrOptions({"balanced"}), None], """\
class_weight : dict, "balanced" or None, default=None
    Multiplies each sample's weight by its class's weight.
"""),
]


REGRESSOR = [
    Hyperparameter(('loss',), [StrOptions({"auto", "squared_error", "absolute_error", \
"huber"})], """\
loss : {"squared_error", "absolute_error", "huber", "auto"}, default="squared_error"
    Half mean squared error, mean absolute error, or Huber loss (quadratic
    within 1 of the target, linear beyond). ``"auto"`` means squared error.
"""),
]



def _records(loss_records, cnn):
    """Records in docstring order: CNN-only ones first, the loss after ``batch_norm``."""
    after = next(i for i, r in enumerate(SHARED) if r.names == ("batch_norm",)) + 1
    return (CNN if cnn else []) + SHARED[:after] + loss_records + SHARED[after:]


def records_for(classifier, cnn):
    """The records of one estimator: a classifier or regressor, MLP or CNN."""
    return _records(CLASSIFIER if classifier else REGRESSOR, cnn)


def constraints(records):
    """``_parameter_constraints`` for scikit-learn's validation."""
    return {name: record.constraint for record in records for name in record.names}


def parameters_doc(records):
    """The numpydoc "Parameters" section."""
    entries = "".join("    " + line + "\n" if line else "\n"
                      for record in records for line in record.doc.rstrip("\n").split("\n"))
    return "\n    Parameters\n    ----------\n" + entries
