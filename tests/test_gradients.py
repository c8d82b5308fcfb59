"""Finite-difference checks, in float64, of every layer, activation, loss and penalty."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skdeep.nn import ForwardContext, Network
from skdeep.nn.architectures import dense_stack
from skdeep.nn.layers import Activation, BatchNorm, Dense, Dropout, Maxout
from skdeep.ops.cpu.activations import ACTIVATIONS
from skdeep.ops.cpu.losses import LOSSES
from skdeep.ops.cpu.masks import row_keys
from skdeep.ops.cpu.reduce import add_penalty_gradient, penalty_value

from ._finite_difference import numerical_gradient

RTOL = 1e-6
ATOL = 1e-8


def _training_context(x, fraction=None):
    return ForwardContext(
        training=True, sample_fraction=fraction, row_keys=row_keys(x, 7), seed=3, epoch=2, step=5
    )


def _check_layer(layer, x, fraction=None, seed=0):
    """Compare a layer's backward pass with finite differences of sum(forward(x) * R)."""
    rng = np.random.default_rng(seed)
    network = Network([layer], "squared_error", np.float64)
    network.initialize("glorot_normal", rng)
    network.theta[...] = rng.standard_normal(network.theta.size)  # not just ones and zeros
    layer.needs_input_grad = True
    ctx = _training_context(x, fraction)
    projection = rng.standard_normal(layer.forward(x, ctx).shape)

    def objective():
        return float(np.sum(layer.forward(x, ctx) * projection))

    objective()
    dx = layer.backward(projection.copy())
    assert_allclose(dx, numerical_gradient(objective, x), rtol=RTOL, atol=ATOL)
    expected = numerical_gradient(objective, network.theta)
    objective()
    layer.backward(projection.copy())
    assert_allclose(network.grad, expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_gradient(name):
    x = np.random.default_rng(1).standard_normal((5, 4)) * 2
    _check_layer(Activation(name), x)


def test_dense_gradient():
    x = np.random.default_rng(2).standard_normal((6, 5))
    _check_layer(Dense(5, 3), x)


def test_dense_dropconnect_gradient_with_fixed_mask():
    x = np.random.default_rng(3).standard_normal((6, 5))
    layer = Dense(5, 4, dropconnect=0.5, layer_id=1)
    _check_layer(layer, x)
    assert 0 < np.mean(layer._mask == 0) < 1


def test_dropout_gradient_with_fixed_mask():
    x = np.random.default_rng(4).standard_normal((8, 6))
    layer = Dropout(0.4, layer_id=2)
    _check_layer(layer, x)
    assert 0 < np.mean(layer._mask == 0) < 1


def test_maxout_gradient():
    x = np.random.default_rng(5).standard_normal((5, 8))
    _check_layer(Maxout(pieces=2), x)


@pytest.mark.parametrize("weighted", [False, True])
def test_batch_norm_gradient_dense(weighted):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((7, 3)) * 3 + 1
    fraction = None
    if weighted:
        w = rng.integers(0, 4, 7).astype(float)
        w[0] = 1
        fraction = w / w.sum()
    _check_layer(BatchNorm(3), x, fraction)


@pytest.mark.parametrize("weighted", [False, True])
def test_batch_norm_gradient_on_feature_maps(weighted):
    # Channels-last maps (n, H, W, C): statistics per channel over samples and positions.
    x = np.random.default_rng(7).standard_normal((3, 4, 3, 2)) * 2 + 1
    fraction = np.array([0.5, 0.2, 0.3]) if weighted else None
    _check_layer(BatchNorm(2), x, fraction)


@pytest.mark.parametrize("relu", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_batch_norm_that_pools_gradient(weighted, relu):
    # Batch norm fused with the 2x2 max pooling after it (and the ReLU before that), on
    # 5x4 maps: a row of pixels no window covers gets no gradient but moves the statistics.
    x = np.random.default_rng(8).standard_normal((3, 5, 4, 2)) * 2 + 1
    fraction = np.array([0.5, 0.2, 0.3]) if weighted else None
    layer = BatchNorm(2)
    layer.pools, layer.applies_relu = True, relu
    _check_layer(layer, x, fraction)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_gradient(name):
    rng = np.random.default_rng(8)
    raw = rng.standard_normal((6, 3)) * 2
    if name == "softmax_cross_entropy":
        y = np.eye(3)[rng.integers(0, 3, 6)]
    elif name == "sigmoid_cross_entropy":
        y = rng.integers(0, 2, (6, 3)).astype(float)
    else:
        y = rng.standard_normal((6, 3)) * 2
    p = rng.random(6)
    p /= p.sum()
    value_and_gradient, _ = LOSSES[name]
    _, grad = value_and_gradient(raw, y, p)
    expected = numerical_gradient(lambda: value_and_gradient(raw, y, p)[0], raw)
    assert_allclose(grad, expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("l1, l2", [(0.3, 0.0), (0.0, 0.7), (0.2, 0.5)])
def test_penalty_gradient(l1, l2):
    weights = np.random.default_rng(9).standard_normal(10)
    weights[np.abs(weights) < 1e-3] = 0.5  # away from L1's kink
    grad = np.zeros_like(weights)
    add_penalty_gradient(weights, grad, l1, l2)
    expected = numerical_gradient(lambda: penalty_value(weights, l1, l2), weights)
    assert_allclose(grad, expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("loss", ["softmax_cross_entropy", "sigmoid_cross_entropy", "huber"])
def test_whole_network_gradient(loss):
    """Every layer kind stacked: dense, batch norm, maxout, dropout, DropConnect."""
    rng = np.random.default_rng(10)
    x = rng.standard_normal((6, 4))
    layers = dense_stack(4, (5, 3), 3, activation="maxout", batch_norm=True, dropout=0.3,
                         dropconnect=0.3)
    network = Network(layers, loss, np.float64)
    network.initialize("he_normal", rng)
    y = np.eye(3)[rng.integers(0, 3, 6)] if "entropy" in loss else rng.standard_normal((6, 3))
    w = rng.random(6)
    fraction = w / w.sum()
    ctx = _training_context(x, fraction)
    network.loss_and_gradient(x, y, fraction, ctx)
    analytic = network.grad.copy()
    expected = numerical_gradient(
        lambda: network.loss_and_gradient(x, y, fraction, ctx), network.theta
    )
    assert_allclose(analytic, expected, rtol=1e-5, atol=1e-7)


def test_clip_gradient_rescales_to_the_norm_or_clamps_entries():
    from skdeep.ops.cpu.reduce import clip_gradient

    grad = np.array([3.0, -4.0])
    clip_gradient(grad, clip_norm=1.0)
    assert_allclose(grad, [0.6, -0.8])
    grad = np.array([3.0, -0.5])
    clip_gradient(grad, clip_value=1.0)
    assert_allclose(grad, [1.0, -0.5])
    grad = np.array([3.0, -4.0])
    clip_gradient(grad)
    assert_allclose(grad, [3.0, -4.0])
