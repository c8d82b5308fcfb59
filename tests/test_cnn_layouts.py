"""Every documented CNN input layout works at fit and at predict, whatever layout fit saw;
layouts that would be misread raise or warn instead of training on the wrong pixels."""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from skdeep import CNNClassifier, CNNRegressor


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return (X[:120] / 16.0).astype(np.float32), y[:120]


def _small(**params):
    return CNNClassifier(filters=(3,), hidden_layer_sizes=(), max_iter=2, random_state=0,
                         device="cpu", **params)


@pytest.mark.parametrize("fit_layout", ["flat", "3d", "4d"])
def test_any_documented_layout_predicts_like_any_other(digits, fit_layout):
    X, y = digits
    layouts = {"flat": X, "3d": X.reshape(-1, 8, 8), "4d": X.reshape(-1, 1, 8, 8)}
    params = {"input_shape": (1, 8, 8)} if fit_layout == "flat" else {}
    model = _small(**params).fit(layouts[fit_layout], y)
    assert model.n_features_in_ == 64  # values per sample, whatever the layout
    assert model.input_shape_ == (1, 8, 8)
    expected = model.predict_proba(layouts[fit_layout])
    for layout in layouts.values():
        assert_array_equal(model.predict_proba(layout), expected)


def test_one_dimensional_signals_with_channels(digits):
    X, _ = digits
    y = X.sum(axis=1)
    model = CNNRegressor(input_shape=(2, 32), filters=(3,), max_iter=2, random_state=0,
                         device="cpu").fit(X, y)
    assert model.n_features_in_ == 64
    assert_array_equal(model.predict(X.reshape(-1, 2, 32)), model.predict(X))


def test_a_layout_that_does_not_fit_names_input_shape(digits):
    X, y = digits
    model = _small().fit(X.reshape(-1, 1, 8, 8), y)
    with pytest.raises(ValueError, match=r"input_shape \(1, 8, 8\).*\(n, 1, 8, 8\)"):
        model.predict(X.reshape(-1, 2, 4, 8))
    with pytest.raises(ValueError, match="expecting 64 features"):
        model.predict(X[:, :60])


def test_channels_last_looking_images_warn_naming_input_shape_and_nchw():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((12, 8, 8, 3)), np.arange(12) % 2
    with pytest.warns(UserWarning, match=r"NCHW.*input_shape.*channels-last"):
        _small().fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        _small().fit(X.transpose(0, 3, 1, 2), y)          # NCHW: no warning
        _small(input_shape=(8, 8, 3)).fit(X, y)           # said explicitly: no warning


def test_arrays_inside_cells_raise_a_clear_error(digits):
    X, y = digits
    frame = pd.DataFrame({"image": list(X.reshape(-1, 8, 8))})
    for bad in (frame, frame["image"].to_numpy()[:, None]):
        with pytest.raises(ValueError, match=r"arrays inside its cells.*np\.stack"):
            _small().fit(bad, y)
    model = _small().fit(np.stack(frame["image"].to_numpy()), y)
    assert model.input_shape_ == (1, 8, 8)


def test_random_masks_do_not_depend_on_the_input_layout(digits):
    X, y = digits
    params = dict(dropout=0.3, spatial_dropout=0.2, augment="shift")
    flat = _small(input_shape=(1, 8, 8), **params).fit(X, y)
    images = _small(**params).fit(X.reshape(-1, 1, 8, 8), y)
    np.testing.assert_array_equal(flat.loss_curve_, images.loss_curve_)
