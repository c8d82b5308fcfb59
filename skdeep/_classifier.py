"""Classifier behaviour shared by the MLP and CNN classifiers: labels, class weights,
probabilities."""

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import column_or_1d, validate_data

from ._base import BaseNetwork
from .backends import CPU


class NetworkClassifier(ClassifierMixin, BaseNetwork):
    """Base of skdeep's classifiers.

    Binary targets train one sigmoid output, multiclass targets a softmax over the
    classes, multilabel indicator targets one sigmoid per label; all with cross-entropy.
    """


    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    def _validate_targets(self, X, y, reset):
        X, y = validate_data(
            self, X, y, reset=reset, dtype=(np.float64, np.float32), order="C", multi_output=True,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, y

    def _encode_targets(self, y, reset, dtype, classes=None):
        if reset:
            target_type = type_of_target(y if classes is None else classes, input_name="y")
            if target_type not in ("binary", "multiclass", "multilabel-indicator"):
                raise ValueError(
                    f"Unknown label type: {target_type}. {type(self).__name__} needs binary, "
                    "multiclass or multilabel-indicator targets."
                )
            binarizer = LabelBinarizer().fit(y if classes is None else classes)
            if len(binarizer.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes; "
                    f"got one class: {binarizer.classes_[0]!r}."
                )
            self._label_binarizer = binarizer
            self._multiclass = binarizer.y_type_ == "multiclass"
            self.classes_ = binarizer.classes_
        elif self._label_binarizer.y_type_ != "multilabel-indicator":
            unseen = np.setdiff1d(np.unique(y), self.classes_)
            if len(unseen):
                raise ValueError(
                    f"y has classes not seen in the first fit: {unseen.tolist()}; "
                    f"expected a subset of {self.classes_.tolist()}."
                )
        return self._indicator_targets(y, dtype)

    def _target_dtype(self, backend, dtype):
        """0/1 indicators: one byte each on the CPU, where the losses (NumPy) promote them
        to the network's dtype batch by batch (Fashion-MNIST's 60,000 x 10 targets: 0.6
        instead of 2.4 MB in float32); the network's dtype on a GPU, whose loss kernels
        take one dtype."""
        return np.uint8 if backend is CPU else dtype

    def _indicator_targets(self, y, dtype):
        """The label binarizer's 0/1 targets, built in ``dtype`` (a multiclass one-hot is
        written directly: no int64 matrix the size of the targets on the way)."""
        if not self._multiclass:
            return self._label_binarizer.transform(y).astype(dtype, copy=False)
        Y = np.zeros((len(y), len(self.classes_)), dtype=dtype)
        Y[np.arange(len(y)), np.searchsorted(self.classes_, y)] = 1
        return Y

    def _shares_targets_with(self, source, n_outputs):
        return isinstance(source, NetworkClassifier) and np.array_equal(
            source.classes_, self.classes_) and source._loss_name() == self._loss_name()

    def _validation_targets(self, y_val, n_outputs):
        if self._label_binarizer.y_type_ == "multilabel-indicator":
            if y_val.ndim != 2 or y_val.shape[1] != n_outputs:
                raise ValueError(f"y_val must be a label indicator matrix of {n_outputs} "
                                 f"columns, like y; it has shape {y_val.shape}.")
            return y_val
        y_val = column_or_1d(y_val, warn=True)
        unseen = np.setdiff1d(np.unique(y_val), self.classes_)
        if len(unseen):
            raise ValueError(f"y_val has classes that y does not: {unseen.tolist()}; the "
                             f"network predicts {self.classes_.tolist()}.")
        return y_val

    def _loss_name(self):
        return "softmax_cross_entropy" if self._multiclass else "sigmoid_cross_entropy"

    def _class_sample_weight(self, y):
        if self.class_weight is None:
            return None
        return compute_sample_weight(self.class_weight, y)

    def _stratify(self, y):
        return None if self._label_binarizer.y_type_ == "multilabel-indicator" else y

    def predict(self, X):
        """Predict classes (or label indicators for multilabel targets).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            CNNs also take images ``(n_samples, C, H, W)`` and one-channel images
            ``(n_samples, H, W)``; a fitted CNN takes any of these layouts.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
        """
        proba = self._forward(X)
        return self._label_binarizer.inverse_transform(proba)

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            CNNs also take images ``(n_samples, C, H, W)`` and one-channel images
            ``(n_samples, H, W)``; a fitted CNN takes any of these layouts.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``. For multilabel targets, column ``k`` is the
            probability that label ``k`` is present.
        """
        proba = self._forward(X)
        if self._label_binarizer.y_type_ == "binary":
            proba = np.hstack([1 - proba, proba])
        return proba

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            CNNs also take images ``(n_samples, C, H, W)`` and one-channel images
            ``(n_samples, H, W)``; a fitted CNN takes any of these layouts.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
        """Train the network on (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            CNNs also take images ``(n_samples, C, H, W)`` and one-channel images
            ``(n_samples, H, W)``; a fitted CNN takes any of these layouts.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a label indicator matrix for multilabel classification.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sample's loss; an integer weight ``k`` trains like ``k`` copies.
        X_val, y_val : array-like, default=None
            A validation set for early stopping and ``validation_scores_``, in place of
            the ``validation_fraction`` split of X (which then all trains); needs
            ``early_stopping=True``. In a ``Pipeline`` with metadata routing, request
            them with ``set_fit_request(X_val=True, y_val=True)`` and pass
            ``transform_input=["X_val"]`` to the Pipeline so earlier steps transform
            X_val as they transform X.

        Returns
        -------
        self : object
        """
        return self._fit(X, y, sample_weight, X_val=X_val, y_val=y_val)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch over (X, y), continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            CNNs also take images ``(n_samples, C, H, W)`` and one-channel images
            ``(n_samples, H, W)``; a fitted CNN takes any of these layouts.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        classes : array-like of shape (n_classes,), default=None
            All classes that can appear; required on the first call.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        first_call = not hasattr(self, "_network")
        if first_call and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        if not first_call and classes is not None and not np.array_equal(
            np.asarray(classes), self.classes_
        ):
            raise ValueError(
                f"classes={np.asarray(classes).tolist()} is not the same as on the first "
                f"call to partial_fit: {self.classes_.tolist()}."
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)
