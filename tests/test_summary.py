"""summary(): one row per layer with its output shape and parameters, and the total."""

import re

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from skdeep import CNNClassifier, CNNRegressor, MLPClassifier, MLPRegressor

RNG = np.random.default_rng(0)
IMAGES = RNG.standard_normal((40, 2, 6, 6))
LABELS = np.arange(40) % 3
TARGETS = RNG.standard_normal((40, 2))

FITTED = {
    "mlp classifier": lambda: MLPClassifier((8, 5), activation="maxout", batch_norm=True,
                                            max_iter=2).fit(IMAGES.reshape(40, -1), LABELS),
    "mlp regressor": lambda: MLPRegressor((7,), dropout=0.1, max_iter=2).fit(
        IMAGES.reshape(40, -1), TARGETS),
    "cnn classifier": lambda: CNNClassifier(filters=(4, 8), batch_norm=True, residual=True,
                                            max_iter=2).fit(IMAGES, LABELS),
    "cnn regressor": lambda: CNNRegressor(filters=(3,), kernel_size=5, padding="valid",
                                          pooling="avg", max_iter=2).fit(IMAGES, TARGETS),
}


def table_rows(text):
    """(label, shape, count) of each layer row of a summary table."""
    rows = re.findall(r"^(.+?)\s{2,}(\([\d, ]*\))\s+([\d,]+)$", text, re.M)
    return [(label, eval(shape), int(count.replace(",", ""))) for label, shape, count in rows]


@pytest.mark.parametrize("name", FITTED)
def test_summary_has_a_row_per_layer_and_totals_the_parameters(name):
    model = FITTED[name]()
    text = model.summary()
    rows = table_rows(text)
    network = model._network
    assert len(rows) == len(network.layers)
    assert sum(count for *_, count in rows) == network.theta.size
    assert f"Total parameters: {network.theta.size:,}" in text
    outputs = model.n_outputs_ if "regressor" in name else len(model.classes_)
    assert rows[-1][1] == (outputs,)


def test_summary_gives_image_shapes_as_channels_height_width():
    model = FITTED["cnn regressor"]()
    rows = table_rows(model.summary())
    assert rows[0] == ("Conv2D 5x5", (3, 2, 2), 2 * 25 * 3 + 3)  # valid padding: 6 - 5 + 1
    assert rows[1] == ("Activation relu", (3, 2, 2), 0)
    assert rows[2] == ("AvgPool2D 2x2", (3, 1, 1), 0)


def test_summary_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        MLPClassifier().summary()
