"""Bad input and bad parameters fail with scikit-learn's usual errors."""

import numpy as np
import pytest
from sklearn.utils.estimator_checks import check_param_validation

from skdeep import CNNClassifier, CNNRegressor, MLPClassifier, MLPRegressor

X = np.random.default_rng(0).standard_normal((30, 4))
y_class = np.arange(30) % 3
y_reg = X @ np.arange(4.0)


@pytest.mark.parametrize("Estimator", [MLPClassifier, MLPRegressor, CNNClassifier, CNNRegressor])
def test_check_param_validation(Estimator):
    check_param_validation(Estimator.__name__, Estimator())


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_input_is_rejected(value):
    bad = X.copy()
    bad[3, 1] = value
    with pytest.raises(ValueError, match="NaN|infinity"):
        MLPClassifier(max_iter=1).fit(bad, y_class)


def test_wrong_width_at_predict_names_both_widths():
    model = MLPRegressor((4,), max_iter=1).fit(X, y_reg)
    with pytest.raises(ValueError, match="3 features.*expecting 4"):
        model.predict(X[:, :3])


def test_continuous_labels_are_rejected():
    with pytest.raises(ValueError, match="Unknown label type"):
        MLPClassifier(max_iter=1).fit(X, y_reg)


def test_a_single_class_is_rejected():
    with pytest.raises(ValueError, match="one class"):
        MLPClassifier(max_iter=1).fit(X, np.zeros(30))


@pytest.mark.parametrize("sizes", [(0,), (5, -1), (2.5,)])
def test_hidden_layer_sizes_must_be_positive_ints(sizes):
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        MLPRegressor(hidden_layer_sizes=sizes, max_iter=1).fit(X, y_reg)


def test_a_single_int_is_one_hidden_layer():
    model = MLPRegressor(hidden_layer_sizes=5, max_iter=2, random_state=0).fit(X, y_reg)
    assert [w.shape for w in model.coefs_] == [(4, 5), (5, 1)]


def test_clip_norm_and_clip_value_together_is_an_error():
    with pytest.raises(ValueError, match="clip_norm=1.0, clip_value=2.0"):
        MLPRegressor(clip_norm=1.0, clip_value=2.0).fit(X, y_reg)


@pytest.mark.parametrize("field, value", [("dropout", 1.0), ("dropout", -0.1),
                                          ("learning_rate", 0.0), ("activation", "swish"),
                                          ("optimizer", "lbfgs"), ("batch_size", 0)])
def test_parameter_errors_name_the_parameter_and_value(field, value):
    with pytest.raises(ValueError, match=f"'{field}' parameter.*Got {value!r}"):
        MLPClassifier(**{field: value}).fit(X, y_class)


def test_negative_sample_weight_is_rejected():
    with pytest.raises(ValueError, match="[Nn]egative"):
        MLPRegressor(max_iter=1).fit(X, y_reg, sample_weight=-np.ones(30))


def test_class_weights_that_zero_every_sample_are_rejected():
    with pytest.raises(ValueError, match="zero for every sample"):
        MLPClassifier(class_weight={0: 0, 1: 0, 2: 0}).fit(X, y_class)
