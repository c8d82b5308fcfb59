"""Regressor behaviour shared by the MLP and CNN regressors."""

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.utils.validation import validate_data

from ._base import BaseNetwork


class NetworkRegressor(RegressorMixin, BaseNetwork):
    """Base of skdeep's regressors: linear outputs, one per target."""


    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _validate_targets(self, X, y, reset):
        return validate_data(
            self, X, y, reset=reset, dtype=(np.float64, np.float32), order="C", multi_output=True,
            y_numeric=True,
        )

    def _encode_targets(self, y, reset, dtype, classes=None):
        Y = y.reshape(len(y), -1)
        if not reset and Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} targets, but {type(self).__name__} was fitted with "
                f"{self.n_outputs_}."
            )
        return Y.astype(dtype, copy=False)

    def _shares_targets_with(self, source, n_outputs):
        return isinstance(source, NetworkRegressor) and source.n_outputs_ == n_outputs

    def _validation_targets(self, y_val, n_outputs):
        width = y_val.reshape(len(y_val), -1).shape[1]
        if width != n_outputs:
            raise ValueError(f"y_val has {width} targets per sample, but y has {n_outputs}.")
        return y_val

    def _loss_name(self):
        return "squared_error" if self.loss == "auto" else self.loss

    def predict(self, X):
        """Predict targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            CNNs also take images ``(n_samples, C, H, W)`` and one-channel images
            ``(n_samples, H, W)``; a fitted CNN takes any of these layouts.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        """
        y = self._forward(X)
        return y.ravel() if y.shape[1] == 1 else y

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None):
        """Train the network on (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            CNNs also take images ``(n_samples, C, H, W)`` and one-channel images
            ``(n_samples, H, W)``; a fitted CNN takes any of these layouts.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
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
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over (X, y), continuing from the current weights.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            CNNs also take images ``(n_samples, C, H, W)`` and one-channel images
            ``(n_samples, H, W)``; a fitted CNN takes any of these layouts.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        return self._fit(X, y, sample_weight, incremental=True)
