"""scikit-learn's estimator checks on the CNN estimators: defaults and configurations."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdeep import CNNClassifier, CNNRegressor

# Estimator-check data are tabular (2-D X: each row a 1-D signal of a few features), so
# configurations keep enough of the signal to pass the training-score checks. Augmentation
# (meaningless on tabular rows) and strides are exercised in test_cnn.py on images.
CONFIGURATIONS = [
    {"pooling": "avg", "batch_norm": True, "dropout": 0.1, "spatial_dropout": 0.1,
     "filters": (16, 16), "hidden_layer_sizes": (32,)},
    {"pooling": "stochastic", "residual": True, "filters": (8, 16), "kernel_size": (3, 2),
     "activation": "maxout", "optimizer": "rmsprop", "batch_norm": True},
    {"padding": "valid", "kernel_size": (2, 1), "pooling": None, "activation": "tanh",
     "optimizer": "nesterov", "learning_rate": 0.01, "l2": 1e-3, "filters": (6, 6),
     "hidden_layer_sizes": ()},
    # A layer-spec architecture: a residual block and global average pooling on 1-D rows.
    {"architecture": [("conv", 8, 3), "bn", "relu",
                      ("residual", [("conv", 8, 3), "bn", "relu", ("conv", 8, 3), "bn"]),
                      "relu", "gap"], "hidden_layer_sizes": (16,)},
    # (The presets need images of at least 8x8 pixels, which these data are not; they are
    # tested on images in test_architectures.py.)
]


def _estimators():
    yield CNNClassifier()  # the pure defaults, random_state=None included
    yield CNNRegressor()
    for params in CONFIGURATIONS:
        yield CNNClassifier(random_state=0, **params)
        yield CNNRegressor(random_state=0, **params)


@parametrize_with_checks(list(_estimators()))
def test_sklearn_compatible_cnn(estimator, check):
    check(estimator)
