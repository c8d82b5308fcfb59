"""CNN estimators: input shapes, accuracy on images and signals, errors, determinism."""

import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, cross_val_score

from skdeep import CNNClassifier, CNNRegressor


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return (X / 16.0).astype(np.float32), y


def _small(**params):
    defaults = dict(filters=(4, 8), hidden_layer_sizes=(16,), max_iter=3, random_state=0)
    return CNNClassifier(**{**defaults, **params})


def test_digits_as_images_reach_95_percent_in_3_fold_cv(digits):
    X, y = digits
    clf = CNNClassifier(input_shape=(1, 8, 8), filters=(16, 32), batch_size=32, max_iter=25,
                        random_state=0)
    scores = cross_val_score(clf, X, y, cv=3)
    assert scores.mean() >= 0.95, scores


def test_2d_3d_and_4d_inputs_train_the_same_network(digits):
    X, y = digits[0][:300], digits[1][:300]
    flat = _small(input_shape=(1, 8, 8)).fit(X, y)
    images = _small().fit(X.reshape(-1, 8, 8), y)
    nchw = _small().fit(X.reshape(-1, 1, 8, 8), y)
    assert flat.input_shape_ == images.input_shape_ == nchw.input_shape_ == (1, 8, 8)
    assert_array_equal(flat.predict_proba(X), images.predict_proba(X.reshape(-1, 8, 8)))
    assert_array_equal(flat.predict_proba(X), nchw.predict_proba(X.reshape(-1, 1, 8, 8)))


def test_one_dimensional_signals_are_classified():
    # Two classes of noisy sine waves that differ in frequency; phases are random, so only
    # a translation-invariant (convolutional) feature separates them.
    rng = np.random.default_rng(0)
    n, length = 400, 64
    y = rng.integers(0, 2, n)
    t = np.arange(length)
    phase = rng.uniform(0, 2 * np.pi, (n, 1))
    X = (np.sin(t * np.where(y == 1, 0.8, 0.25)[:, None] + phase)
         + 0.3 * rng.standard_normal((n, length)))
    clf = CNNClassifier(filters=(8,), kernel_size=7, hidden_layer_sizes=(16,), max_iter=30,
                        random_state=0).fit(X[:300], y[:300])
    assert clf.input_shape_ == (1, length)
    assert clf.score(X[300:], y[300:]) > 0.9
    two_channels = CNNRegressor(input_shape=(2, 32), filters=(4,), max_iter=2, random_state=0)
    assert two_channels.fit(X, X[:, 0]).predict(X).shape == (n,)


def test_float32_is_kept(digits):
    X, y = digits
    clf = _small(input_shape=(1, 8, 8)).fit(X[:200], y[:200])
    assert clf.coefs_[0].dtype == np.float32
    assert clf.predict_proba(X[:5]).dtype == np.float32


@pytest.mark.parametrize(
    "params",
    [{}, {"pooling": "stochastic", "spatial_dropout": 0.3, "dropout": 0.3},
     {"augment": "shift_flip", "residual": True, "batch_norm": True, "strides": (2, 1)}],
)
def test_same_seed_is_bit_identical_and_pickles(digits, params):
    X, y = digits[0][:300], digits[1][:300]
    first = _small(input_shape=(1, 8, 8), **params).fit(X, y)
    second = _small(input_shape=(1, 8, 8), **params).fit(X, y)
    assert first.loss_curve_ == second.loss_curve_
    assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    loaded = pickle.loads(pickle.dumps(first))
    assert_array_equal(loaded.predict_proba(X), first.predict_proba(X))
    loaded.partial_fit(X, y)  # keeps training after loading


def test_augmentation_changes_training_not_prediction(digits):
    X, y = digits[0][:300], digits[1][:300]
    plain = _small(input_shape=(1, 8, 8)).fit(X, y)
    augmented = _small(input_shape=(1, 8, 8), augment="shift").fit(X, y)
    assert plain.loss_curve_ != augmented.loss_curve_
    # Prediction is deterministic (no augmentation at predict time).
    assert_array_equal(augmented.predict_proba(X), augmented.predict_proba(X))


def test_grid_search_in_two_processes_matches_one(digits):
    X, y = digits[0][:240], digits[1][:240]
    grid = {"pooling": ["max", "avg"], "batch_norm": [False, True]}
    model = _small(input_shape=(1, 8, 8), max_iter=2)
    serial = GridSearchCV(model, grid, cv=2, n_jobs=1).fit(X, y)
    parallel = GridSearchCV(model, grid, cv=2, n_jobs=2).fit(X, y)
    assert_array_equal(serial.cv_results_["mean_test_score"],
                       parallel.cv_results_["mean_test_score"])


@pytest.mark.parametrize(
    "params, X_shape, match",
    [
        ({"input_shape": (1, 8, 7)}, (20, 64), r"input_shape=\(1, 8, 7\) needs 56 values"),
        ({"input_shape": (2, 8, 8)}, (20, 8, 8),
         r"input_shape=\(2, 8, 8\).*X has shape \(20, 8, 8\)"),
        ({"input_shape": (8, 8, 1, 1)}, (20, 64), "input_shape must be"),
        ({"padding": "valid", "kernel_size": 5, "pooling": None}, (20, 1, 4, 4),
         r"kernel_size=5.*input 4x4.*larger than the padded input"),
        ({"padding": "valid", "kernel_size": (3, 3)}, (20, 1, 6, 6),
         r"Conv block 2 \(kernel_size=3.*input 2x2"),
        ({"pool_size": 3}, (20, 1, 2, 2), r"pool_size=\(3, 3\).*map 2x2.*shrink"),
        ({"filters": (4, 4), "kernel_size": (3, 3, 3)}, (20, 1, 8, 8), "kernel_size must be"),
        ({"filters": (4, 0)}, (20, 1, 8, 8), "filters must be"),
    ],
)
def test_shapes_that_do_not_fit_raise_value_errors_naming_them(params, X_shape, match):
    X = np.random.default_rng(0).standard_normal(X_shape)
    with pytest.raises(ValueError, match=match):
        _small(**params).fit(X, np.arange(20) % 2)


def test_predicting_on_other_sample_shapes_is_an_error(digits):
    X, y = digits
    clf = _small().fit(X[:100].reshape(-1, 1, 8, 8), y[:100])
    with pytest.raises(ValueError, match=r"fitted with input_shape \(1, 8, 8\)"):
        clf.predict(np.zeros((3, 1, 4, 16)))


def test_single_pixel_axes_are_not_pooled():
    # One feature per row: a 1x1 "image". Pooling and kernels leave the length-1 axes alone.
    X = np.linspace(-1, 1, 40).reshape(-1, 1)
    clf = CNNClassifier(filters=(4,), max_iter=5, random_state=0).fit(X, (X[:, 0] > 0).astype(int))
    assert clf.predict(X).shape == (40,)


def test_kernels_load_from_the_disk_cache_in_a_fresh_process():
    # A GridSearchCV worker is a fresh process: after a first process compiled the
    # kernels, the next one must load every kernel from Numba's cache, compiling nothing.
    script = textwrap.dedent("""
        import numpy as np
        from skdeep import CNNClassifier
        from numba.core.registry import CPUDispatcher
        from skdeep.ops.cpu import activations, conv_gemm, norm, pool
        rng = np.random.default_rng(0)
        X, y = rng.standard_normal((40, 1, 8, 8)).astype(np.float32), np.arange(40) % 2
        CNNClassifier(filters=(4, 32), batch_norm=True, max_iter=1, batch_size=16,
                      random_state=0).fit(X, y).predict(X)
        kernels = [k for m in (activations, conv_gemm, norm, pool)
                   for k in vars(m).values() if isinstance(k, CPUDispatcher)]
        print(sum(sum(k.stats.cache_misses.values()) for k in kernels),
              sum(sum(k.stats.cache_hits.values()) for k in kernels))
    """)
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True)
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
    misses, hits = map(int, out.stdout.split())
    assert misses == 0 and hits >= 8


def test_early_stopping_and_warm_start_work_on_images(digits):
    X, y = digits[0][:300].reshape(-1, 8, 8), digits[1][:300]
    clf = _small(early_stopping=True, max_iter=4, n_iter_no_change=2).fit(X, y)
    assert len(clf.validation_scores_) == clf.n_iter_ >= 1
    clf.set_params(warm_start=True, early_stopping=False, max_iter=2).fit(X, y)
    assert clf.n_iter_ >= 3
