"""Layer behaviour beyond gradients: predict-time purity and masks."""

import numpy as np

from skdeep.nn import ForwardContext
from skdeep.nn.context import INFERENCE
from skdeep.nn.layers import Dropout
from skdeep.ops.cpu.masks import keep_mask, row_keys, stream_key


def test_dropout_is_identity_and_stateless_at_predict_time():
    layer = Dropout(0.5)
    x = np.ones((4, 3))
    assert layer.forward(x, INFERENCE) is x
    assert vars(layer) == {"rate": 0.5, "layer_id": 0}


def test_dropout_keeps_the_expected_fraction_and_scales_survivors():
    x = np.ones((200, 500))
    ctx = ForwardContext(training=True, row_keys=row_keys(np.arange(200.0)[:, None], 0), seed=1)
    out = Dropout(0.3).forward(x, ctx)
    assert abs(np.mean(out == 0) - 0.3) < 0.01
    assert np.allclose(out[out != 0], 1 / 0.7)


def test_masks_depend_on_row_content_epoch_and_layer():
    rows = np.array([[1.0, 2.0], [3.0, 4.0], [1.0, 2.0]])
    keys = row_keys(rows, seed=5)
    assert keys[0] == keys[2] != keys[1]
    mask = keep_mask(keys, stream_key(5, 0, 0), 0.5, (3, 64), np.float64)
    np.testing.assert_array_equal(mask[0], mask[2])
    assert not np.array_equal(mask[0], mask[1])
    other_epoch = keep_mask(keys, stream_key(5, 1, 0), 0.5, (3, 64), np.float64)
    other_layer = keep_mask(keys, stream_key(5, 0, 1), 0.5, (3, 64), np.float64)
    assert not np.array_equal(mask, other_epoch)
    assert not np.array_equal(mask, other_layer)
