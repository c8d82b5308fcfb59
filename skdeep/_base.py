"""The estimator base: validation, the fit / partial_fit loop, early stopping, history.

It knows scikit-learn and the network's interface (:class:`skdeep.nn.Network`), nothing of
layers or kernels. Subclasses say what network to build (``_build_layers``), what loss to
train (``_loss_name``), how targets are encoded (``_encode_targets``) and how a validation
set is scored (``score``).
"""

import time
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_is_fitted,
    validate_data,
)

from ._checks import positive_ints
from ._convergence import ConvergenceMonitor
from ._exceptions import DivergenceError
from ._progress import EpochProgress
from ._transfer import copy_matching_weights, mark_frozen, pretrained_estimator
from .backends import CPU, fit_backend, predict_backend
from .nn import Network
from .nn.initializers import resolve_initializer
from .nn.layers import Dense
from .nn.optimizers import make_optimizer, resolve_learning_rate
from .nn.schedules import SCHEDULES
from .nn.summary import layer_rows, summary_table
from .nn.training import NonFiniteLoss, Regularization, Trainer, clean_subset, training_data

__all__ = ["BaseNetwork", "DivergenceError"]

AUTO_BATCH_SIZE = 200


class BaseNetwork(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Base class of skdeep's estimators. Not for direct use.

    Every estimator is also a transformer: :meth:`transform` gives the learned features
    (the last hidden layer), so a fitted network feeds other estimators in a Pipeline.
    """

    _predict_chunk = 256
    """Samples per forward pass at predict time: bounds the memory of predicting many
    samples (the hidden activations of one chunk at a time) at little cost in speed
    (predicting 10,000 Fashion-MNIST images with a (256, 128) MLP: 37.5 ms in chunks of
    256, 35.5 in chunks of 512, 42.5 in chunks of 128; the process's resident memory grew
    0.3 MB while predicting in chunks of 256, 0.75 MB in chunks of 512)."""
    _device_predict_chunk = 512
    """:attr:`_predict_chunk` on a GPU, where every chunk costs kernel launches."""

    # -- hooks for subclasses ---------------------------------------------------------
    def _flat_samples(self, X):
        """X with one row per sample (for scikit-learn's validation), and X's shape when it
        had more than two dimensions (None otherwise)."""
        return X, None

    def _check_input_shape(self, x_shape, n_values, reset):
        """Resolve (``reset``) or check the shape of one sample: ``x_shape`` is X's shape
        as given (None for flat rows), ``n_values`` the values per validated row."""

    def _network_input(self, X):
        """Validated samples in the layout the network's first layer takes."""
        return X

    def _build_layers(self, n_features, n_outputs):
        raise NotImplementedError

    def _loss_name(self):
        raise NotImplementedError

    def _validate_targets(self, X, y, reset):
        """Validate X and y together; return them as arrays."""
        raise NotImplementedError

    def _encode_targets(self, y, reset, dtype, classes=None):
        """Targets as a 2-D array matching the network's raw output, in ``dtype`` (see
        :meth:`_target_dtype`)."""
        raise NotImplementedError

    def _target_dtype(self, backend, dtype):
        """The dtype of the encoded targets for a fit on ``backend`` of data in ``dtype``."""
        return dtype

    def _class_sample_weight(self, y):
        """Per-sample factors from ``class_weight`` (None for regressors)."""
        return None

    def _shares_targets_with(self, source, n_outputs):
        """Whether the fitted ``source`` predicts the same classes or number of targets
        (then ``init_from`` copies its output layer too)."""
        return False

    def _stratify(self, y):
        return None

    # -- public API ---------------------------------------------------------------------
    def __sklearn_is_fitted__(self):
        return hasattr(self, "_network")

    @property
    def coefs_(self):
        """list of ndarray: weight matrices of the dense layers, input to output
        (auxiliary classifiers' not included)."""
        check_is_fitted(self)
        return [layer.W for layer in self._dense_layers()]

    @property
    def intercepts_(self):
        """list of ndarray: bias vectors of the dense layers, input to output (zeros for a
        layer followed by batch norm, which has no bias)."""
        check_is_fitted(self)
        return [layer.b if layer.bias else np.zeros(layer.n_out, layer.W.dtype)
                for layer in self._dense_layers()]

    def _dense_layers(self):
        return [layer for layer in self._network.inference_layers if isinstance(layer, Dense)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

    def transform(self, X):
        """The learned features of X: the last hidden layer's activations.

        For an MLP, the output of the last hidden layer (after its activation; dropout is
        off outside training); for a CNN, the same, or with ``hidden_layer_sizes=()`` the
        flattened (or globally pooled) output of the conv part. Use them as the input of
        another estimator (transfer learning as feature extraction), e.g. in a
        ``Pipeline``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            CNNs also take images ``(n_samples, C, H, W)`` and ``(n_samples, H, W)``.

        Returns
        -------
        features : ndarray of shape (n_samples, n_features_out)
            In the dtype the network was fitted in (float32 stays float32).
        """
        return self._forward(X, features=True)

    @property
    def _n_features_out(self):
        """Width of :meth:`transform`'s output: the output layer's input width."""
        return self._network.layers[-1].n_in

    # -- fitting ------------------------------------------------------------------------
    def _fit(self, X, y, sample_weight=None, *, incremental=False, classes=None, X_val=None,
             y_val=None):
        self._check_parameter_combinations()
        backend = fit_backend(self.device, type(self).__name__)  # before any state changes
        continuing = (incremental or self.warm_start) and hasattr(self, "_network")
        X, x_shape = self._flat_samples(X)
        X, y = self._validate_targets(X, y, reset=not continuing)
        self._check_input_shape(x_shape, X.shape[1], reset=not continuing)
        if continuing:
            X = X.astype(self._network.dtype, copy=False)
        Y = self._encode_targets(y, reset=not continuing,
                                 dtype=self._target_dtype(backend, X.dtype), classes=classes)
        weights = self._combined_sample_weight(X, y, sample_weight)
        validation = self._validation_set(X_val, y_val, Y.shape[1])

        if not continuing:
            self._initialize(X.shape[1:], Y.shape[1], X.dtype)
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = self._make_optimizer()
        if not incremental or not hasattr(self, "_monitor"):
            self._monitor = ConvergenceMonitor(
                self.tol, self.n_iter_no_change, self.early_stopping and not incremental,
                self.lr_schedule == "plateau", self._learning_rate(),
            )

        saved = self._network.snapshot() if continuing else None
        context = backend.compute_context(self._network.convolutional)
        try:
            # Overflow on the way to a non-finite loss is reported as a DivergenceError.
            with np.errstate(over="ignore", invalid="ignore"), context:
                self._network.to_backend(backend)
                self._optimizer.to_backend(backend)
                try:
                    self._train(X, Y, y, weights, incremental, validation)
                finally:  # a fitted model holds NumPy arrays, whatever it trained on
                    self._network.to_backend(CPU)
                    self._optimizer.to_backend(CPU)
                    self._monitor.best_snapshot = None
        except DivergenceError:
            if saved is None:
                del self._network
            else:
                self._network.restore(saved)
            raise
        return self

    def _check_parameter_combinations(self):
        if self.clip_norm is not None and self.clip_value is not None:
            raise ValueError(
                "Set at most one of clip_norm and clip_value. "
                f"Received: clip_norm={self.clip_norm}, clip_value={self.clip_value}."
            )
        self._hidden_sizes()
        pretrained_estimator(self.init_from)

    def _hidden_sizes(self):
        """``hidden_layer_sizes`` as a tuple of ints (an int means one layer)."""
        return positive_ints(self.hidden_layer_sizes, "hidden_layer_sizes",
                             wanted="a tuple of positive ints")

    def _combined_sample_weight(self, X, y, sample_weight):
        class_factors = self._class_sample_weight(y)
        if sample_weight is None and class_factors is None:
            return None
        weights = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
        if class_factors is not None:
            weights = weights * class_factors
            if not np.any(weights > 0):
                raise ValueError(
                    "Sample weights times class weights are zero for every sample: "
                    f"nothing to train on (class_weight={self.class_weight!r})."
                )
        return weights

    def _initialize(self, sample_shape, n_outputs, dtype):
        rng = np.random.default_rng(check_random_state(self.random_state).randint(2**31 - 1))
        self._rng = rng
        self._seed = int(rng.integers(2**63 - 1))
        layers = self._build_layers(sample_shape, n_outputs)
        mark_frozen(layers, self.freeze)
        network = Network(layers, self._loss_name(), dtype)
        network.initialize(resolve_initializer(self.initializer, self.activation), rng)
        source = pretrained_estimator(self.init_from)
        if source is not None:
            copy_matching_weights(network, source._network,
                                  self._shares_targets_with(source, n_outputs))
        self._network = network
        self.n_outputs_ = n_outputs
        self.n_iter_ = 0
        self.t_ = 0
        self._n_steps = 0
        self.loss_curve_ = []
        self.best_loss_ = None if self.early_stopping else np.inf
        self.validation_scores_ = [] if self.early_stopping else None
        self.best_validation_score_ = -np.inf if self.early_stopping else None

    def _make_optimizer(self):
        network = self._network
        return make_optimizer(
            self.optimizer, network.trainable_theta.size, network.dtype,
            momentum=self.momentum, beta_1=self.beta_1, beta_2=self.beta_2, rho=self.rho,
            epsilon=self.epsilon, weight_decay=self.l2, n_decay=network.n_decay,
        )

    def _learning_rate(self):
        """``learning_rate`` as a float (``"auto"``: the optimizer's customary rate)."""
        return resolve_learning_rate(self.learning_rate, self.optimizer)

    def _trainer(self):
        decoupled = self.optimizer == "adamw"  # AdamW's l2 is weight decay in its update
        regularization = Regularization(self.l1, 0.0 if decoupled else self.l2,
                                        self.clip_norm, self.clip_value)
        return Trainer(self._network, self._optimizer, regularization, self._seed)

    def _split_validation(self, X, Y, y, weights):
        split = train_test_split(
            np.arange(len(X)), test_size=self.validation_fraction,
            random_state=int(self._rng.integers(2**31 - 1)), stratify=self._stratify(y),
        )
        train, val = split
        return (X[train], Y[train], _take(weights, train)), (X[val], y[val], _take(weights, val))

    def _validation_set(self, X_val, y_val, n_outputs):
        """``fit``'s explicit validation set, checked: ``(X_val, y_val, None)`` or None."""
        if X_val is None and y_val is None:
            return None
        if X_val is None or y_val is None:
            missing = "X_val" if X_val is None else "y_val"
            raise ValueError(f"X_val and y_val must be given together; {missing} is None.")
        if not self.early_stopping:
            raise ValueError(
                "X_val and y_val are given, but early_stopping=False: the validation set "
                "serves early stopping and validation_scores_. Set early_stopping=True."
            )
        X_val, x_shape = self._flat_samples(X_val)
        X_val = validate_data(self, X_val, reset=False, dtype=(np.float64, np.float32),
                              order="C")
        self._check_input_shape(x_shape, X_val.shape[1], reset=False)
        y_val = check_array(y_val, ensure_2d=False, dtype=None, input_name="y_val")
        if len(y_val) != len(X_val):
            raise ValueError(f"X_val has {len(X_val)} samples, but y_val has {len(y_val)}.")
        return X_val, self._validation_targets(y_val, n_outputs), None

    def _validation_targets(self, y_val, n_outputs):
        """``y_val`` checked against the training targets (subclasses)."""
        return y_val

    def _train(self, X, Y, y, weights, incremental, validation=None):
        early_stopping = self.early_stopping and not incremental
        if early_stopping and validation is None:
            (X, Y, weights), validation = self._split_validation(X, Y, y, weights)
        trainer = self._trainer()
        data = training_data(self._network, X, self._network_input(X), Y, weights,
                             self._seed)
        # With random masks the training loss is noisy: progress is judged without them.
        clean = clean_subset(self._network, data) if self._judges_without_masks(
            early_stopping, incremental) else None
        batch_size = self._resolve_batch_size(len(X))
        schedule = SCHEDULES[self.lr_schedule].factor
        base_rate = self._learning_rate()
        n_epochs = 1 if incremental else self.max_iter
        monitor = self._monitor
        for _ in range(n_epochs):
            start = time.perf_counter()
            lr = base_rate * schedule(self.n_iter_, self.max_iter) * monitor.lr_factor
            order = self._rng.permutation(len(X)) if self.shuffle else None
            progress = EpochProgress(self.n_iter_ + 1, len(X)) if self.verbose >= 2 else None
            try:
                loss, steps = trainer.run_epoch(data, order, batch_size, lr, self.n_iter_,
                                                self._n_steps,
                                                None if progress is None else progress.update)
            except NonFiniteLoss as error:
                self._raise_divergence(error.value)
            finally:
                if progress is not None:
                    progress.close()
            self._n_steps += steps
            self.n_iter_ += 1
            self.t_ += len(X)
            self.loss_curve_.append(loss)
            self.loss_ = loss
            score = self._score_validation(validation) if early_stopping else None
            self._report(loss, score, time.perf_counter() - start)
            clean_loss = None if clean is None else self._network.inference_loss(
                *clean, chunk=self._chunk_on(self._network.backend))
            stop = monitor.update(loss, score, self._network, clean_loss)
            if not early_stopping:
                self.best_loss_ = monitor.best_loss
            if stop:
                break
        else:
            if not incremental:
                warnings.warn(
                    f"{type(self).__name__} reached max_iter={self.max_iter} epochs without "
                    "converging; consider increasing max_iter.",
                    ConvergenceWarning, stacklevel=3,
                )
        self._network.release_caches()
        if early_stopping and monitor.best_snapshot is not None:
            self._network.restore(monitor.best_snapshot)
        if not self._network.is_finite():
            raise DivergenceError(
                f"The weights of {type(self).__name__} became NaN or infinite. "
                "Scale the inputs (e.g. with StandardScaler) or use a smaller learning_rate."
            )

    def _judges_without_masks(self, early_stopping, incremental):
        """Whether progress is judged on the loss without random masks: for networks that
        draw masks, when the training loss decides something (stopping within this fit, or
        the plateau schedule's decay); early stopping uses the validation score instead."""
        if early_stopping or not self._network.stochastic:
            return False
        can_stop = not incremental and self.max_iter > self.n_iter_no_change + 1
        return can_stop or self.lr_schedule == "plateau"

    def _resolve_batch_size(self, n_samples):
        if self.batch_size is None:
            return n_samples
        if self.batch_size == "auto":
            return min(AUTO_BATCH_SIZE, n_samples)
        return min(self.batch_size, n_samples)

    def _raise_divergence(self, value):
        raise DivergenceError(
            f"The training loss became {value} at epoch {self.n_iter_ + 1}: "
            f"{type(self).__name__} diverged. Scale the inputs (e.g. with "
            f"StandardScaler) or use a smaller learning_rate (now {self._learning_rate()})."
        )

    def _score_validation(self, validation):
        X_val, y_val, w_val = validation
        score = self.score(X_val, y_val, sample_weight=w_val)
        if self.validation_scores_ is None:  # a warm start that turned early stopping on
            self.validation_scores_, self.best_validation_score_ = [], -np.inf
        self.validation_scores_.append(score)
        self.best_validation_score_ = max(self.best_validation_score_, score)
        return score

    def _report(self, loss, score, seconds):
        if not self.verbose:
            return
        line = f"Epoch {self.n_iter_}: loss={loss:.6f}"
        if score is not None:
            line += f", validation score={score:.6f}"
        print(f"{line}, {seconds:.3f} s")

    # -- prediction -----------------------------------------------------------------------
    def _forward(self, X, features=False):
        """Validated X through the network: probabilities or values, shape (n, n_outputs),
        or with ``features`` the output layer's input (:meth:`transform`)."""
        check_is_fitted(self)
        X, x_shape = self._flat_samples(X)
        X = validate_data(self, X, reset=False, dtype=(np.float64, np.float32), order="C")
        self._check_input_shape(x_shape, X.shape[1], reset=False)
        X = X.astype(self._network.dtype, copy=False)
        network = self._network
        # While training (validation scores) the network is on its fit's device already.
        on_cpu = network.backend is CPU
        backend = predict_backend(self.device) if on_cpu else network.backend
        chunk = self._chunk_on(backend)
        with backend.compute_context(network.convolutional):
            network.to_backend(backend)
            try:
                run = network.features if features else network.predict
                parts = [backend.to_numpy(run(
                    backend.asarray(self._network_input(X[start:start + chunk]))))
                    for start in range(0, len(X), chunk)]
            finally:
                if on_cpu:
                    network.to_backend(CPU)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _chunk_on(self, backend):
        """Samples per forward pass at inference on ``backend``."""
        return self._predict_chunk if backend is CPU else self._device_predict_chunk

    # -- inspection -------------------------------------------------------------------------
    def summary(self):
        """The fitted network as a table: one row per layer, then the total.

        Each row gives the layer's kind, the shape of its output for one sample (images
        as (channels, height, width)) and its number of trained parameters, as Keras's
        ``model.summary()`` prints them.

        Returns
        -------
        table : str
            Print it to read it.

        Examples
        --------
        >>> from sklearn.datasets import load_digits
        >>> from skdeep import MLPClassifier
        >>> X, y = load_digits(return_X_y=True)
        >>> clf = MLPClassifier((32,), max_iter=5, random_state=0).fit(X / 16, y)
        >>> print(clf.summary())  # doctest: +SKIP
        """
        check_is_fitted(self)
        sample = np.zeros((1, self.n_features_in_), dtype=self._network.dtype)
        rows = layer_rows(self._network, self._network_input(sample))
        self._network.release_caches()  # what the pass kept (a fork's input, ...)
        return summary_table(rows, f"{type(self).__name__} ({self._network.dtype} weights)")


def _take(array, index):
    return None if array is None else array[index]
