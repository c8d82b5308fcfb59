"""The estimator base: validation, the fit / partial_fit loop, early stopping, history.

It knows scikit-learn and the network's interface (:class:`skdeep.nn.Network`), nothing of
layers or kernels. Subclasses say what network to build (``_build_layers``), what loss to
train (``_loss_name``), how targets are encoded (``_encode_targets``) and how a validation
set is scored (``score``).
"""

import contextlib
import time
import warnings

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ._constraints import SHARED_PARAMETER_CONSTRAINTS
from .backends import CPU, fit_backend, predict_backend
from ._convergence import ConvergenceMonitor
from .nn import ForwardContext, Network
from .nn.initializers import resolve_initializer
from .nn.layers import Dense
from .nn.masks import row_keys
from .nn.optimizers import make_optimizer
from .nn.schedules import SCHEDULES

AUTO_BATCH_SIZE = 200


class DivergenceError(ValueError, FloatingPointError):
    """Raised when the training loss becomes NaN or infinite."""


class BaseNetwork(BaseEstimator):
    """Base class of skdeep's estimators. Not for direct use."""

    _parameter_constraints: dict = dict(SHARED_PARAMETER_CONSTRAINTS)
    _allow_nd = False
    """Whether X may have more than 2 dimensions (images)."""
    _predict_chunk = None
    """Samples per forward pass at predict time (None: all at once)."""

    # -- hooks for subclasses ---------------------------------------------------------
    def _check_input_shape(self, X, reset):
        """Resolve (``reset``) or check the shape of one sample of validated X."""

    def _network_input(self, X):
        """Validated samples in the layout the network's first layer takes."""
        return X

    def _compute_context(self):
        """Context manager around training and prediction on the CPU (thread limits)."""
        return contextlib.nullcontext()

    def _build_layers(self, n_features, n_outputs):
        raise NotImplementedError

    def _loss_name(self):
        raise NotImplementedError

    def _validate_targets(self, X, y, reset):
        """Validate X and y together; return them as arrays."""
        raise NotImplementedError

    def _encode_targets(self, y, reset, classes=None):
        """Targets as a 2-D float array matching the network's raw output."""
        raise NotImplementedError

    def _class_sample_weight(self, y):
        """Per-sample factors from ``class_weight`` (None for regressors)."""
        return None

    def _stratify(self, y):
        return None

    # -- public API ---------------------------------------------------------------------
    def __sklearn_is_fitted__(self):
        return hasattr(self, "_network")

    @property
    def coefs_(self):
        """list of ndarray: weight matrices of the dense layers, input to output."""
        check_is_fitted(self)
        return [layer.W for layer in self._dense_layers()]

    @property
    def intercepts_(self):
        """list of ndarray: bias vectors of the dense layers, input to output."""
        check_is_fitted(self)
        return [layer.b for layer in self._dense_layers()]

    def _dense_layers(self):
        return [layer for layer in self._network.layers if isinstance(layer, Dense)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags

    # -- fitting ------------------------------------------------------------------------
    def _fit(self, X, y, sample_weight=None, *, incremental=False, classes=None):
        self._check_parameter_combinations()
        backend = fit_backend(self.device, type(self).__name__)  # before any state changes
        continuing = (incremental or self.warm_start) and hasattr(self, "_network")
        X, y = self._validate_targets(X, y, reset=not continuing)
        self._check_input_shape(X, reset=not continuing)
        if continuing:
            X = X.astype(self._network.dtype, copy=False)
        Y = self._encode_targets(y, reset=not continuing, classes=classes)
        weights = self._combined_sample_weight(X, y, sample_weight)

        if not continuing:
            self._initialize(X.shape[1:], Y.shape[1], X.dtype)
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = self._make_optimizer()
        if not incremental or not hasattr(self, "_monitor"):
            self._monitor = ConvergenceMonitor(
                self.tol, self.n_iter_no_change, self.early_stopping and not incremental,
                self.lr_schedule == "plateau", self.learning_rate,
            )

        saved = self._network.snapshot() if continuing else None
        try:
            # Overflow on the way to a non-finite loss is reported as a DivergenceError.
            with np.errstate(over="ignore", invalid="ignore"), self._compute_context():
                self._network.to_backend(backend)
                self._optimizer.to_backend(backend)
                try:
                    self._train(X, Y.astype(X.dtype, copy=False), y, weights, incremental)
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

    def _hidden_sizes(self):
        """``hidden_layer_sizes`` as a tuple of ints (an int means one layer)."""
        sizes = np.atleast_1d(np.asarray(self.hidden_layer_sizes, dtype=object)).ravel()
        for size in sizes:
            if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
                raise ValueError(
                    "hidden_layer_sizes must be a tuple of positive ints. "
                    f"Received: hidden_layer_sizes={self.hidden_layer_sizes!r}."
                )
        return tuple(int(size) for size in sizes)

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
        network = Network(layers, self._loss_name(), dtype)
        network.initialize(resolve_initializer(self.initializer, self.activation), rng)
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
            self.optimizer, network.theta.size, network.dtype,
            momentum=self.momentum, beta_1=self.beta_1, beta_2=self.beta_2, rho=self.rho,
            epsilon=self.epsilon, weight_decay=self.l2, n_decay=network.n_decay,
        )

    def _split_validation(self, X, Y, y, weights):
        split = train_test_split(
            np.arange(len(X)), test_size=self.validation_fraction,
            random_state=int(self._rng.integers(2**31 - 1)), stratify=self._stratify(y),
        )
        train, val = split
        return (X[train], Y[train], _take(weights, train)), (X[val], y[val], _take(weights, val))

    def _train(self, X, Y, y, weights, incremental):
        early_stopping = self.early_stopping and not incremental
        validation = None
        if early_stopping:
            (X, Y, weights), validation = self._split_validation(X, Y, y, weights)
        backend = self._network.backend
        workspace = backend.workspace()
        keys = row_keys(X, self._seed) if self._uses_row_keys() else None
        keys = None if keys is None else backend.asarray(keys)
        # Converted (and uploaded to a GPU) once per fit, not once per batch and epoch.
        X, Y = backend.asarray(self._network_input(X)), backend.asarray(Y)
        batch_size = self._resolve_batch_size(len(X))
        schedule = SCHEDULES[self.lr_schedule]
        n_epochs = 1 if incremental else self.max_iter
        monitor = self._monitor
        for _ in range(n_epochs):
            start = time.perf_counter()
            lr = self.learning_rate * schedule(self.n_iter_, self.max_iter) * monitor.lr_factor
            loss = self._run_epoch(X, Y, weights, keys, batch_size, lr, workspace)
            self.n_iter_ += 1
            self.t_ += len(X)
            self.loss_curve_.append(loss)
            self.loss_ = loss
            score = self._score_validation(validation) if early_stopping else None
            self._report(loss, score, time.perf_counter() - start)
            stop = monitor.update(loss, score, self._network)
            if not early_stopping:
                self.best_loss_ = monitor.best_loss
            if stop:
                break
        else:
            if not incremental:
                warnings.warn(
                    f"{type(self).__name__} reached max_iter={self.max_iter} epochs without "
                    "converging; consider increasing max_iter.",
                    ConvergenceWarning,
                )
        self._network.release_caches()
        if early_stopping and monitor.best_snapshot is not None:
            self._network.restore(monitor.best_snapshot)
        if not self._network.is_finite():
            raise DivergenceError(
                f"The weights of {type(self).__name__} became NaN or infinite. "
                "Scale the inputs (e.g. with StandardScaler) or use a smaller learning_rate."
            )

    def _uses_row_keys(self):
        """Whether some layer draws per-sample masks, which are keyed by sample content."""
        return self.dropout > 0

    def _resolve_batch_size(self, n_samples):
        if self.batch_size is None:
            return n_samples
        if self.batch_size == "auto":
            return min(AUTO_BATCH_SIZE, n_samples)
        return min(self.batch_size, n_samples)

    def _run_epoch(self, X, Y, weights, keys, batch_size, lr, workspace):
        """One pass over the data; returns the epoch's mean training loss.

        Each step's temporaries come from ``workspace`` (reused buffers on a GPU).
        """
        n = len(X)
        network = self._network
        backend = network.backend
        if self.shuffle:
            order = self._rng.permutation(n)
            rows = backend.asarray(order)  # on a GPU: uploaded once per epoch
            X, Y = backend.take_rows(X, rows), backend.take_rows(Y, rows)
            weights = None if weights is None else weights[order]
            keys = None if keys is None else backend.take_rows(keys, rows)
        fractions, batch_weights = _epoch_fractions(weights, n, batch_size, X.dtype)
        fractions = None if fractions is None else backend.asarray(fractions)  # once per epoch
        total = backend.loss_total()
        for start, batch_weight in zip(range(0, n, batch_size), batch_weights):
            if batch_weight == 0:
                continue
            batch = slice(start, start + batch_size)
            fraction = None if fractions is None else fractions[batch]
            ctx = ForwardContext(
                training=True, sample_fraction=fraction,
                row_keys=None if keys is None else keys[batch],
                seed=self._seed, epoch=self.n_iter_, step=self._n_steps,
            )
            with workspace.step():
                value = network.loss_and_gradient(X[batch], Y[batch], fraction, ctx)
                # On a GPU the value stays there (None here) and is read once per epoch.
                value = total.add(batch_weight, value, self._apply_penalty(network))
                if value is not None and not np.isfinite(value):
                    self._raise_divergence(value)
                backend.clip_gradient(network.grad, self.clip_norm, self.clip_value)
                self._optimizer.step(network.theta, network.grad, lr)
            self._n_steps += 1
        mean = total.mean()
        if not np.isfinite(mean):
            self._raise_divergence(mean)
        return mean

    def _raise_divergence(self, value):
        raise DivergenceError(
            f"The training loss became {value} at epoch {self.n_iter_ + 1}: "
            f"{type(self).__name__} diverged. Scale the inputs (e.g. with "
            f"StandardScaler) or use a smaller learning_rate (now {self.learning_rate})."
        )

    def _apply_penalty(self, network):
        if not (self.l1 or self.l2):
            return 0.0
        l2 = 0.0 if self.optimizer == "adamw" else self.l2
        return network.backend.add_penalty(network.theta[: network.n_decay],
                                           network.grad[: network.n_decay], self.l1, l2)

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
    def _forward(self, X):
        """Validated X through the network: probabilities or values, shape (n, n_outputs)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=(np.float64, np.float32), order="C",
                          allow_nd=self._allow_nd)
        self._check_input_shape(X, reset=False)
        X = X.astype(self._network.dtype, copy=False)
        chunk = self._predict_chunk or max(len(X), 1)
        network = self._network
        # While training (validation scores) the network is on its fit's device already.
        on_cpu = network.backend is CPU
        backend = predict_backend(self.device) if on_cpu else network.backend
        with self._compute_context():
            network.to_backend(backend)
            try:
                parts = [backend.to_numpy(network.predict(
                    backend.asarray(self._network_input(X[start:start + chunk]))))
                    for start in range(0, len(X), chunk)]
            finally:
                if on_cpu:
                    network.to_backend(CPU)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _take(array, index):
    return None if array is None else array[index]


def _epoch_fractions(weights, n, batch_size, dtype):
    """Each sample's share of its batch's loss (None: equal shares), and each batch's
    total weight, for the batches ``[start, start + batch_size)`` of one epoch."""
    starts = range(0, n, batch_size)
    if weights is None:
        return None, [float(min(batch_size, n - start)) for start in starts]
    fractions = np.zeros(n, dtype=dtype)
    totals = []
    for start in starts:
        w = weights[start:start + batch_size]
        total = float(w.sum())
        totals.append(total)
        if total > 0:
            fractions[start:start + batch_size] = w / total
    return fractions, totals
