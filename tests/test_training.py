"""What each training strategy does, observed through the estimators."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skdeep import DivergenceError, MLPClassifier, MLPRegressor


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:500] / 16, y[:500]


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(200, 6, noise=1.0, random_state=0)
    return StandardScaler().fit_transform(X), y / y.std()


def test_learns_digits(digits):
    X, y = digits
    model = MLPClassifier((64,), max_iter=60, random_state=0).fit(X, y)
    assert model.score(X, y) > 0.98
    assert model.loss_curve_[-1] < model.loss_curve_[0] / 5


def test_zero_initialization_keeps_hidden_units_identical(digits):
    """Symmetric neurons: with zero weights every hidden unit gets the same gradient forever."""
    X, y = digits
    kw = dict(hidden_layer_sizes=(8, 8), activation="tanh", max_iter=20, learning_rate=0.01,
              random_state=0)
    model = MLPClassifier(initializer="zeros", **kw).fit(X, y)
    for W in model.coefs_[1:]:
        assert_allclose(W, W[:1, :].repeat(len(W), axis=0), atol=1e-12)
    assert model.score(X, y) < 0.5
    glorot = MLPClassifier(**kw).fit(X, y)
    assert glorot.score(X, y) > model.score(X, y) + 0.5


def test_divergence_raises_naming_the_epoch_and_leaves_model_unfitted(regression):
    X, y = regression
    model = MLPRegressor((32,), optimizer="sgd", learning_rate=10.0, random_state=0)
    with pytest.raises(DivergenceError, match=r"epoch \d+.*learning_rate"):
        model.fit(X * 1e3, y * 1e3)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        model.predict(X)


def test_divergence_during_partial_fit_restores_previous_weights(regression):
    X, y = regression
    model = MLPRegressor((16,), optimizer="sgd", learning_rate=1e-3, random_state=0)
    model.partial_fit(X, y)
    before = model.predict(X)
    model.set_params(learning_rate=1e4)
    with pytest.raises(DivergenceError):
        for _ in range(20):
            model.partial_fit(X * 1e3, y * 1e3)
    assert np.all(np.isfinite(model.predict(X)))
    assert model.predict(X).shape == before.shape


def test_early_stopping_restores_best_weights(digits):
    X, y = digits
    model = MLPClassifier((32,), early_stopping=True, n_iter_no_change=3, max_iter=200,
                          learning_rate=0.05, random_state=0).fit(X, y)
    assert model.n_iter_ < 200
    assert len(model.validation_scores_) == model.n_iter_
    assert model.best_validation_score_ == max(model.validation_scores_)
    assert model.best_loss_ is None
    best_epoch = int(np.argmax(model.validation_scores_))
    assert best_epoch < model.n_iter_ - 1
    # Same seed, same split, same steps: a run that ends at the best epoch has the weights
    # that early stopping must have restored.
    until_best = MLPClassifier((32,), early_stopping=True, n_iter_no_change=3,
                               max_iter=best_epoch + 1, learning_rate=0.05, random_state=0)
    with pytest.warns(ConvergenceWarning):
        until_best.fit(X, y)
    assert_array_equal(model.coefs_[0], until_best.coefs_[0])
    assert_array_equal(model.predict_proba(X), until_best.predict_proba(X))


def test_warm_start_can_turn_early_stopping_on(digits):
    X, y = digits
    model = MLPClassifier((8,), max_iter=3, warm_start=True, random_state=0).fit(X, y)
    model.set_params(early_stopping=True).fit(X, y)
    assert len(model.validation_scores_) == 3


def test_max_iter_without_convergence_warns(digits):
    X, y = digits
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        MLPClassifier((8,), max_iter=2, random_state=0).fit(X, y)


def test_partial_fit_runs_one_epoch_per_call(digits):
    X, y = digits
    model = MLPClassifier((16,), random_state=0)
    for _ in range(3):
        model.partial_fit(X, y, classes=np.unique(y))
    assert model.n_iter_ == 3
    assert model.t_ == 3 * len(X)
    with pytest.raises(ValueError, match="classes"):
        MLPClassifier().partial_fit(X, y)
    with pytest.raises(ValueError, match="not seen"):
        model = MLPClassifier((4,), random_state=0).partial_fit(X, y % 3, classes=[0, 1, 2])
        model.partial_fit(X, y)


def test_warm_start_continues_from_fitted_weights(digits):
    X, y = digits
    model = MLPClassifier((16,), max_iter=5, warm_start=True, random_state=0).fit(X, y)
    loss_after_five = model.loss_curve_[-1]
    model.fit(X, y)
    assert model.n_iter_ == 10
    assert model.loss_curve_[5] < loss_after_five
    cold = MLPClassifier((16,), max_iter=5, random_state=0).fit(X, y)
    cold_loss = cold.loss_curve_[0]
    cold.fit(X, y)
    assert cold.n_iter_ == 5 and cold.loss_curve_[0] == cold_loss


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor])
@pytest.mark.parametrize("params", [{}, {"dropout": 0.5}, {"batch_norm": True},
                                    {"dropconnect": 0.3}])
def test_integer_sample_weight_equals_repeated_samples(digits, Estimator, params):
    X, y = digits
    X, y = X[:60], y[:60] % 3
    weights = np.random.default_rng(0).integers(0, 4, len(X))
    common = dict(hidden_layer_sizes=(8,), max_iter=10, batch_size=None, random_state=0, **params)
    weighted = Estimator(**common).fit(X, y, sample_weight=weights)
    repeated = Estimator(**common).fit(X.repeat(weights, axis=0), y.repeat(weights))
    method = "predict_proba" if Estimator is MLPClassifier else "predict"
    assert_allclose(getattr(weighted, method)(X), getattr(repeated, method)(X), rtol=1e-6)


def test_class_weight_shifts_predictions(digits):
    X, y = digits
    y = (y == 0).astype(int)
    plain = MLPClassifier((8,), max_iter=10, random_state=0).fit(X, y)
    heavy = MLPClassifier((8,), max_iter=10, class_weight={0: 1.0, 1: 50.0},
                          random_state=0).fit(X, y)
    assert heavy.predict(X).sum() > plain.predict(X).sum()


def test_full_batch_gradient_descent_takes_one_step_per_epoch(digits):
    X, y = digits
    model = MLPClassifier((8,), batch_size=None, max_iter=4, optimizer="sgd",
                          learning_rate=0.5, random_state=0).fit(X, y)
    assert model._n_steps == 4
    assert model.loss_curve_[-1] < model.loss_curve_[0]


@pytest.mark.parametrize("schedule", ["constant", "step", "exponential", "invscaling",
                                      "cosine", "plateau"])
def test_every_schedule_trains(digits, schedule):
    X, y = digits
    model = MLPClassifier((16,), lr_schedule=schedule, max_iter=30, random_state=0).fit(X, y)
    assert model.loss_curve_[-1] < model.loss_curve_[0]


def test_plateau_lowers_the_rate_instead_of_stopping(digits):
    X, y = digits
    kw = dict(hidden_layer_sizes=(16,), max_iter=80, tol=0.5, n_iter_no_change=2, random_state=0)
    constant = MLPClassifier(**kw).fit(X, y)
    plateau = MLPClassifier(lr_schedule="plateau", **kw).fit(X, y)
    assert constant.n_iter_ < plateau.n_iter_
    assert plateau._monitor.lr_factor < 1


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "nesterov", "adagrad", "adadelta",
                                       "rmsprop", "adam", "adamw"])
def test_every_optimizer_lowers_the_loss(digits, optimizer):
    X, y = digits
    settings = {"sgd": {"learning_rate": 0.5}, "momentum": {"learning_rate": 0.05},
                "nesterov": {"learning_rate": 0.05}, "adagrad": {"learning_rate": 0.05},
                "adadelta": {"learning_rate": 1.0, "epsilon": 1e-6},
                "rmsprop": {"learning_rate": 0.01}, "adam": {"learning_rate": 0.01},
                "adamw": {"learning_rate": 0.01, "l2": 0.01}}[optimizer]
    model = MLPClassifier((16,), optimizer=optimizer, max_iter=10, random_state=0,
                          **settings).fit(X, y)
    assert model.loss_curve_[-1] < 0.7 * model.loss_curve_[0]


@pytest.mark.parametrize("activation", ["identity", "sigmoid", "logistic", "tanh", "relu",
                                        "leaky_relu", "elu", "maxout"])
def test_every_activation_learns(digits, activation):
    X, y = digits
    model = MLPClassifier((32,), activation=activation, max_iter=30, learning_rate=0.01,
                          random_state=0).fit(X, y)
    assert model.score(X, y) > 0.9


@pytest.mark.parametrize("initializer", ["normal", "uniform", "glorot_normal", "glorot_uniform",
                                         "he_normal", "he_uniform", "lecun_normal", "auto"])
def test_every_initializer_learns(digits, initializer):
    X, y = digits
    model = MLPClassifier((32,), initializer=initializer, max_iter=30, learning_rate=0.01,
                          random_state=0).fit(X, y)
    assert model.score(X, y) > 0.9


def test_l1_makes_weights_sparser_and_l2_smaller(digits):
    X, y = digits
    kw = dict(hidden_layer_sizes=(32,), max_iter=30, random_state=0)
    plain = MLPClassifier(**kw).fit(X, y)
    l1 = MLPClassifier(l1=1e-3, **kw).fit(X, y)
    l2 = MLPClassifier(l2=1e-1, **kw).fit(X, y)
    small = lambda m: np.mean(np.abs(m.coefs_[0]) < 1e-3)  # noqa: E731
    assert small(l1) > max(10 * small(plain), 0.05)
    assert np.linalg.norm(l2.coefs_[0]) < 0.7 * np.linalg.norm(plain.coefs_[0])


def test_adamw_weight_decay_shrinks_weights(digits):
    X, y = digits
    kw = dict(hidden_layer_sizes=(32,), max_iter=30, optimizer="adamw", random_state=0)
    plain = MLPClassifier(**kw).fit(X, y)
    decayed = MLPClassifier(l2=5.0, **kw).fit(X, y)
    assert np.linalg.norm(decayed.coefs_[0]) < 0.8 * np.linalg.norm(plain.coefs_[0])


def test_gradient_clipping_bounds_each_update(regression):
    X, y = regression
    kw = dict(hidden_layer_sizes=(16,), optimizer="sgd", learning_rate=0.1, batch_size=None,
              max_iter=1, random_state=0, shuffle=False)
    start = MLPRegressor(**{**kw, "learning_rate": 1e-300}).fit(X, y * 100).coefs_[0].copy()
    clipped = MLPRegressor(clip_norm=1.0, **kw).fit(X, y * 100).coefs_[0]
    # one SGD step of lr 0.1 with a gradient of norm <= 1 moves the weights by <= 0.1
    assert np.linalg.norm(clipped - start) <= 0.1 + 1e-9
    valued = MLPRegressor(clip_value=0.01, **kw).fit(X, y * 100).coefs_[0]
    assert np.max(np.abs(valued - start)) <= 0.1 * 0.01 + 1e-12


def test_batch_norm_uses_running_statistics_at_predict_time(digits):
    X, y = digits
    model = MLPClassifier((16,), batch_norm=True, max_iter=10, random_state=0).fit(X, y)
    one_at_a_time = np.vstack([model.predict_proba(X[i : i + 1]) for i in range(10)])
    assert_allclose(one_at_a_time, model.predict_proba(X[:10]), rtol=1e-12)
    bn = [layer for layer in model._network.layers if hasattr(layer, "running_mean")][0]
    assert not np.allclose(bn.running_mean, 0)


def test_dropout_is_off_at_predict_time(digits):
    X, y = digits
    model = MLPClassifier((16,), dropout=0.5, max_iter=5, random_state=0).fit(X, y)
    assert_array_equal(model.predict_proba(X), model.predict_proba(X))


def test_float32_stays_float32(digits):
    X, y = digits
    model = MLPClassifier((16,), max_iter=3, random_state=0).fit(X.astype(np.float32), y)
    assert model.coefs_[0].dtype == np.float32
    assert model.predict_proba(X.astype(np.float32)).dtype == np.float32
    model64 = MLPClassifier((16,), max_iter=3, random_state=0).fit(X, y)
    assert model64.coefs_[0].dtype == np.float64


def test_regressor_losses(regression):
    X, y = regression
    y = y.copy()
    y[:10] += 50  # outliers
    fits = {loss: MLPRegressor((16,), loss=loss, max_iter=100, learning_rate=0.01,
                               random_state=0).fit(X, y)
            for loss in ["squared_error", "absolute_error", "huber"]}
    clean = slice(10, None)
    error = {k: np.median(np.abs(m.predict(X)[clean] - y[clean])) for k, m in fits.items()}
    # robust losses ignore the outliers better on the clean points
    assert error["absolute_error"] < error["squared_error"]
    assert error["huber"] < error["squared_error"]


def test_multioutput_regression_and_multilabel_classification(regression, digits):
    X, y = regression
    Y = np.column_stack([y, -y])
    model = MLPRegressor((16,), max_iter=100, learning_rate=0.01, random_state=0).fit(X, Y)
    assert model.predict(X).shape == (len(X), 2) and model.n_outputs_ == 2
    assert model.score(X, Y) > 0.8
    Xd, yd = digits
    labels = np.column_stack([yd % 2, yd > 4])
    clf = MLPClassifier((16,), max_iter=50, learning_rate=0.01, random_state=0).fit(Xd, labels)
    assert clf.predict(Xd).shape == labels.shape
    assert clf.predict_proba(Xd).shape == labels.shape
    assert np.mean(clf.predict(Xd) == labels) > 0.9


def test_verbose_prints_one_line_per_epoch(digits, capsys):
    X, y = digits
    MLPClassifier((8,), max_iter=3, verbose=1, early_stopping=True, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("Epoch 1: loss=") and "validation score=" in lines[0]
    assert lines[0].endswith(" s")
