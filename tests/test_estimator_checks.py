"""scikit-learn's estimator checks, on the defaults and on non-default configurations."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeep import MLPClassifier, MLPRegressor

CONFIGURATIONS = [
    {},
    {"dropout": 0.2, "batch_norm": True, "optimizer": "rmsprop"},
    {"activation": "tanh", "initializer": "glorot_normal", "optimizer": "nesterov",
     "learning_rate": 0.01, "l1": 1e-4, "l2": 1e-3},
    {"activation": "elu", "optimizer": "adagrad", "learning_rate": 0.05},
    {"activation": "maxout", "dropconnect": 0.2, "optimizer": "adamw", "l2": 1e-2,
     "lr_schedule": "cosine", "clip_norm": 5.0, "learning_rate": 0.01},
    {"activation": "leaky_relu", "batch_size": None, "optimizer": "momentum",
     "learning_rate": 0.01, "clip_value": 1.0, "hidden_layer_sizes": (32, 16)},
]


def _estimators():
    yield MLPClassifier()  # the pure defaults, random_state=None included
    yield MLPRegressor()
    for params in CONFIGURATIONS:
        yield MLPClassifier(random_state=0, **params)
        yield MLPRegressor(random_state=0, **params)


@parametrize_with_checks(list(_estimators()))
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
