"""Persistence: skops.io round trips fitted estimators and trusts only skdeep's types."""

import numpy as np
import pytest
import skops.io as sio
from numpy.testing import assert_array_equal
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdeep import CNNClassifier, CNNRegressor, MLPClassifier, MLPRegressor

X, y = load_digits(return_X_y=True)
X, y = (X / 16.0)[:150], y[:150]
SPECS = [("conv", 4, 3), "bn", "relu", ("aux", ["gap"], 4),
         ("concat", [], [("maxpool", 3, 1, 1)]), ("dual", [("conv", 6, 3, 1, 1, 2)], 4),
         # a run of dense layers (one buffer, merges that refer to each other)
         ("concat", [], ["bn", ("conv", 2, 3)]), ("concat", [], ["bn", ("conv", 2, 3)]),
         ("residual", [("conv", 6, 3), "bn"]), ("stochasticpool", 2), "gap"]

ESTIMATORS = [
    MLPClassifier((8,), dropout=0.2, batch_norm=True),
    MLPRegressor((8, 4), activation="maxout", optimizer="rmsprop"),
    CNNClassifier(input_shape=(1, 8, 8), architecture=SPECS, hidden_layer_sizes=(5,)),
    CNNRegressor(input_shape=(1, 8, 8), filters=(3,), residual=True, pooling="avg"),
]


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_skops_round_trip_predicts_the_same_and_names_only_skdeep_types(estimator):
    target = y if "Classifier" in type(estimator).__name__ else y * 1.0
    model = make_pipeline(StandardScaler(), estimator.set_params(max_iter=2, random_state=0))
    model.fit(X, target)
    data = sio.dumps(model)
    untrusted = sio.get_untrusted_types(data=data)
    assert untrusted and all(name.startswith("skdeep.") or name == "numpy.dtype"
                             for name in untrusted)
    loaded = sio.loads(data, trusted=untrusted)
    assert_array_equal(loaded.predict(X), model.predict(X))
    assert_array_equal(loaded[-1].transform(X), model[-1].transform(X))
    # the loaded model trains on
    loaded[-1].partial_fit(loaded[0].transform(X), target)
    assert np.isfinite(loaded[-1].loss_)
