"""Finite-difference checks (float64) of the convolutional layers and whole conv stacks."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skdeep.backends import CPU
from skdeep.nn import ForwardContext, Network
from skdeep.nn.architectures import conv_stack, dense_stack
from skdeep.nn.layers import (
    AvgPool2D,
    BatchNorm,
    Conv2D,
    Flatten,
    MaxPool2D,
    SpatialDropout,
    StochasticPool2D,
)
from skdeep.nn.specs import build_layers
from skdeep.ops.cpu.masks import row_keys

from ._finite_difference import numerical_gradient
from .test_gradients import _check_layer


def _maps(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize(
    "kernel, stride, padding",
    [((3, 3), (1, 1), "same"), ((3, 2), (2, 1), "valid"), ((2, 2), (2, 2), "same"),
     ((1, 3), (1, 2), 1)],
)
def test_conv_layer_gradient(kernel, stride, padding):
    _check_layer(Conv2D((5, 6, 3), 4, kernel, stride, padding), _maps((2, 5, 6, 3)))


@pytest.mark.parametrize("groups, stride", [(2, (1, 1)), (3, (2, 1))])
def test_grouped_conv_layer_gradient(groups, stride):
    _check_layer(Conv2D((5, 4, 6), 3 * groups, (3, 3), stride, 1, groups=groups),
                 _maps((2, 5, 4, 6)))


def test_grouped_conv_is_one_conv_per_group_of_channels():
    x = _maps((2, 5, 5, 4))
    grouped = Network([Conv2D((5, 5, 4), 6, (3, 3), groups=2)], "squared_error", np.float64)
    grouped.initialize("glorot_normal", np.random.default_rng(0))
    layer = grouped.layers[0]
    y = grouped.forward(x)
    for g in range(2):
        alone = Network([Conv2D((5, 5, 2), 3, (3, 3))], "squared_error", np.float64)
        alone.layers[0].W[...] = layer.W[g]
        alone.layers[0].b[...] = layer.b[3 * g:3 * g + 3]
        assert_allclose(y[..., 3 * g:3 * g + 3], alone.forward(x[..., 2 * g:2 * g + 2]),
                        rtol=1e-12)


@pytest.mark.parametrize("window, stride, pad", [((2, 2), None, (0, 0)),
                                                ((3, 3), (1, 1), (1, 1)),
                                                ((3, 2), (2, 2), (1, 1))])
@pytest.mark.parametrize("pool", [MaxPool2D, AvgPool2D, StochasticPool2D])
def test_pooling_layer_gradient(pool, window, stride, pad):
    _check_layer(pool((5, 4, 3), window, stride, pad), _maps((3, 5, 4, 3)))


def test_stochastic_pooling_training_gradient_goes_to_the_drawn_activation():
    x = np.abs(_maps((3, 4, 4, 2))) + 0.1
    layer = StochasticPool2D((4, 4, 2), (2, 2), layer_id=4)
    _check_layer(layer, x)


def test_spatial_dropout_gradient_with_its_fixed_mask():
    x = _maps((4, 3, 3, 5))
    _check_layer(SpatialDropout(0.4, layer_id=2), x)


def test_spatial_dropout_drops_whole_channels():
    layer = SpatialDropout(0.5, layer_id=1)
    x = np.ones((50, 4, 4, 6))
    ctx = ForwardContext(training=True, row_keys=row_keys(_maps((50, 3)), 1), seed=9)
    y = layer.forward(x, ctx)
    per_map = y.reshape(50, 16, 6)
    assert np.all(per_map.min(axis=1) == per_map.max(axis=1))  # constant over each map
    assert set(np.unique(y)) == {0.0, 2.0}
    assert 0.35 < np.mean(y == 0) < 0.65
    assert layer.forward(x, ForwardContext()) is x


def test_batch_norm_normalizes_each_channel_over_samples_and_positions():
    x = _maps((6, 5, 5, 3)) * np.array([1.0, 5.0, 0.5]) + np.array([0.0, 3.0, -2.0])
    layer = BatchNorm(3)
    network = Network([layer], "squared_error", np.float64)
    network.initialize("zeros", np.random.default_rng(0))
    y = layer.forward(x, ForwardContext(training=True))
    assert_allclose(y.mean(axis=(0, 1, 2)), 0.0, atol=1e-12)
    assert_allclose(y.var(axis=(0, 1, 2)), 1.0, rtol=1e-3)


def _check_network(layers, x, seed=0):
    """Gradient of sum(raw output * R) w.r.t. every parameter, by finite differences."""
    rng = np.random.default_rng(seed)
    network = Network(layers, "squared_error", np.float64)
    network.initialize("glorot_normal", rng)
    network.theta[...] += 0.1 * rng.standard_normal(network.theta.size)
    ctx = ForwardContext(training=True, row_keys=row_keys(x, 3), seed=5, epoch=1)
    projection = rng.standard_normal(network.forward(x, ctx).shape)

    def objective():
        return float(np.sum(network.forward(x, ctx) * projection))

    objective()
    network.backward(projection.copy())
    analytic = network.grad.copy()
    assert_allclose(analytic, numerical_gradient(objective, network.theta), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(
    "filters, stride, padding",
    [((3, 3), 1, "same"),     # identity shortcut on the second block
     ((2, 4), 2, "same"),     # strided 1x1 projections
     ((3, 3), 1, "valid")],   # shortcut reads the centre of a shrinking map
)
def test_residual_blocks_gradient(filters, stride, padding):
    layers, n_out = conv_stack(
        (7, 7, 3), filters, (3, 3), (stride, stride), padding=padding, pooling=None,
        pool_size=2, activation="tanh", batch_norm=True, residual=True,
    )
    _check_network(layers + dense_stack(n_out, (), 2, activation="tanh"), _maps((2, 7, 7, 3)))


@pytest.mark.parametrize("shortcut", [
    [],                               # an identity branch
    [("conv", 4, 1, 2, 0), "bn"],     # a strided 1x1 projection with batch norm
])
@pytest.mark.parametrize("first", [[], [("conv", 3, 3), "tanh"]])  # the fork first, or not
def test_two_branch_residual_gradient(shortcut, first):
    stride = 2 if shortcut else 1
    channels = 4 if shortcut else 3
    block = [("conv", channels, 3, stride, 1), "bn", "tanh", ("conv", channels, 3), "bn"]
    if not first and not shortcut:
        block[0] = ("conv", 3, 3)  # the identity needs the input's 3 channels back
    layers, shape = build_layers(first + [("residual", block, shortcut), "tanh"], (7, 7, 3))
    layers += [Flatten()] + dense_stack(int(np.prod(shape)), (), 2, activation="tanh")
    _check_network(layers, _maps((2, 7, 7, 3)))


@pytest.mark.parametrize("specs", [
    # the stage's first block: the input all residual channels (no dense part yet)
    [("conv", 3, 3), ("dual", ["tanh", ("conv", 4, 1), "bn", ("conv", 5, 3, 1, 1)], 3)],
    # a dense part in the input, grouped 3x3, two blocks in a row
    [("conv", 4, 3),
     ("dual", ["tanh", ("conv", 4, 1), ("conv", 4, 3, 1, "same", 2), ("conv", 3, 1)], 2),
     ("dual", [("conv", 3, 1)], 2), "tanh"],
])
def test_dual_path_blocks_gradient(specs):
    layers, shape = build_layers(specs, (5, 5, 2))
    layers += [Flatten()] + dense_stack(int(np.prod(shape)), (), 2, activation="tanh")
    _check_network(layers, _maps((2, 5, 5, 2)))


def test_dual_path_adds_the_residual_part_and_appends_the_new_maps():
    layers, shape = build_layers([("dual", [("conv", 5, 1)], 2)], (3, 3, 4))
    network = Network(layers, "squared_error", np.float64)
    network.initialize("glorot_normal", np.random.default_rng(1))
    x = _maps((2, 3, 3, 4))
    f = layers[1].backend.conv2d(x, layers[1].W, layers[1].b, (1, 1), (1, 1),
                                 layers[1].geometry)
    y = network.forward(x)
    assert shape == (3, 3, 7)
    assert_allclose(y[..., :2], x[..., :2] + f[..., :2])
    assert_allclose(y[..., 2:4], x[..., 2:])
    assert_allclose(y[..., 4:], f[..., 2:])


@pytest.mark.parametrize("x_width, f_width, residual", [(5, 4, 2), (2, 5, 2), (3, 3, 3)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dual_path_merge_and_its_gradients_in_one_pass(x_width, f_width, residual, dtype):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 4, x_width)).astype(dtype)
    f = rng.standard_normal((2, 3, 4, f_width)).astype(dtype)
    y = CPU.dual_path_merge(x, f, residual)
    expected = np.concatenate([x[..., :residual] + f[..., :residual], x[..., residual:],
                               f[..., residual:]], axis=-1)
    assert y.dtype == dtype
    np.testing.assert_array_equal(y, expected)
    dy = rng.standard_normal(y.shape).astype(dtype)
    dx, df = CPU.dual_path_gradients(dy, x_width, f_width, residual)
    np.testing.assert_array_equal(dx, dy[..., :x_width])
    np.testing.assert_array_equal(df, np.concatenate([dy[..., :residual],
                                                      dy[..., x_width:]], axis=-1))


@pytest.mark.parametrize("specs", [
    # a dense layer: the input passed on beside new maps (DenseNet)
    [("conv", 2, 3), ("concat", [], ["bn", "tanh", ("conv", 3, 3)])],
    # a run of dense layers growing one buffer (each reads a channel slice in place, each
    # adds its input gradient into the block's gradient in place)
    [("conv", 2, 3), ("concat", [], ["bn", "tanh", ("conv", 3, 3)]),
     ("concat", [], ["bn", ("conv", 2, 1)]), ("concat", [], ["bn", "relu", ("conv", 2, 3)])],
    # three branches, the fork first (nothing before it trains)
    [("concat", [("conv", 2, 1)], ["tanh", ("conv", 3, 3), "bn"], [("avgpool", 1)]),
     "tanh"],
    # an inception module: 1x1 | 1x1 -> 3x3 | 1x1 -> 5x5 | 3x3 max pool (padded) -> 1x1
    [("conv", 3, 3), "tanh",
     ("concat", [("conv", 2, 1)], [("conv", 2, 1), "tanh", ("conv", 2, 3)],
      [("conv", 1, 1), "tanh", ("conv", 2, 5)], [("maxpool", 3, 1, 1), ("conv", 1, 1)])],
])
def test_concatenated_branches_gradient(specs):
    layers, shape = build_layers(specs, (5, 5, 2))
    layers += [Flatten()] + dense_stack(int(np.prod(shape)), (), 2, activation="tanh")
    _check_network(layers, _maps((2, 5, 5, 2)))


@pytest.mark.parametrize("pooling", ["max", "avg", "stochastic"])
def test_conv_stack_gradient(pooling):
    layers, n_out = conv_stack(
        (8, 6, 2), (3, 4), (3, 2), (1, 1), padding="same", pooling=pooling, pool_size=2,
        activation="maxout", batch_norm=True, spatial_dropout=0.3, augment="shift_flip",
    )
    layers += dense_stack(n_out, (5,), 3, activation="elu", dropout=0.2, first_layer_id=2)
    _check_network(layers, _maps((3, 8, 6, 2)))


def test_one_dimensional_signals_use_kernels_along_the_length_only():
    layers, n_out = conv_stack(
        (1, 12, 2), (3,), (5,), (1,), padding="valid", pooling="max", pool_size=2,
        activation="relu",
    )
    conv = next(layer for layer in layers if isinstance(layer, Conv2D))
    pool = next(layer for layer in layers if isinstance(layer, MaxPool2D))
    assert conv.kernel == (1, 5) and conv.out_shape == (1, 8, 3)
    assert pool.pool == (1, 2) and pool.out_shape == (1, 4, 3)
    assert n_out == 12
    _check_network(layers + dense_stack(n_out, (), 1, activation="relu"), _maps((2, 1, 12, 2)))


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "elu", "tanh", "sigmoid"])
def test_activation_after_max_pooling_is_the_same_function_and_gradient(activation):
    # conv_stack applies a non-decreasing activation after max pooling (cheaper); the
    # result and the gradients equal the textbook order: activation, then pooling.
    from skdeep.nn.layers import Activation, Flatten

    x = _maps((3, 6, 6, 2))
    x[0, :2, :2, :] = -1.0  # a window where every value is negative (ties for relu)
    stack, _ = conv_stack((6, 6, 2), (3,), (3,), (1,), padding="same", pooling="max",
                          pool_size=2, activation=activation)
    names = [type(layer).__name__ for layer in stack]
    assert names == ["Conv2D", "MaxPool2D", "Activation", "Flatten"]
    conv = stack[0]
    textbook = [conv, Activation(activation), MaxPool2D(conv.out_shape, (2, 2)), Flatten()]
    results = []
    for layers in (stack, textbook):
        network = Network(layers, "squared_error", np.float64)
        network.initialize("glorot_normal", np.random.default_rng(0))
        out = network.forward(x, ForwardContext(training=True))
        network.backward(np.random.default_rng(1).standard_normal(out.shape))
        results.append((out, network.grad.copy()))
    assert_allclose(results[0][0], results[1][0], rtol=1e-12)
    assert_allclose(results[0][1], results[1][1], rtol=1e-12)


def test_batch_norm_statistics_are_exact_far_from_zero():
    # Values 1000 +- 0.01: the variance must not cancel away.
    x = 1000.0 + 0.01 * _maps((64, 3, 3, 2))
    layer = BatchNorm(2)
    network = Network([layer], "squared_error", np.float64)
    network.initialize("zeros", np.random.default_rng(0))
    y = layer.forward(x, ForwardContext(training=True))
    assert_allclose(y.var(axis=(0, 1, 2)), x.var(axis=(0, 1, 2)) / (x.var(axis=(0, 1, 2)) + 1e-5),
                    rtol=1e-9)


def test_batch_norm_parallel_and_serial_kernels_agree():
    # Inside kernel_threads (a CNN fit) batch norm runs parallel kernels; outside (an MLP
    # fit, where BLAS owns the cores) serial ones. Both compute the same thing.
    from skdeep.ops.cpu.threads import kernel_threads

    x = _maps((16, 5, 5, 3))
    fraction = np.random.default_rng(3).dirichlet(np.ones(16))
    ctx = ForwardContext(training=True, sample_fraction=fraction)
    results = []
    for parallel in (False, True):
        layer = BatchNorm(3)
        network = Network([layer], "squared_error", np.float64)
        network.initialize("zeros", np.random.default_rng(0))
        layer.needs_input_grad = True
        with kernel_threads() if parallel else np.errstate():
            y = layer.forward(x, ctx)
            dx = layer.backward(np.ones_like(y) * np.arange(3))
            y_predict = layer.forward(x, ForwardContext())
        results.append((y, dx, network.grad.copy(), y_predict))
    for serial, parallel in zip(*results):
        assert_allclose(serial, parallel, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("residual", [False, True])
def test_batch_norm_fused_with_the_following_relu_gradient(residual):
    # conv - batch norm - ReLU: the network lets batch norm apply the ReLU (and gate its
    # gradient); the gradient must be that of the two layers.
    layers, n_out = conv_stack(
        (6, 5, 2), (3, 3), (3, 3), (1, 1), padding="same", pooling=None, pool_size=2,
        activation="relu", batch_norm=True, residual=residual,
    )
    layers += dense_stack(n_out, (4,), 2, activation="relu", batch_norm=True)
    _check_network(layers, _maps((3, 6, 5, 2)) + 0.3)
    fused = [layer for layer in layers if getattr(layer, "applies_relu", False)]
    assert len(fused) == 3 and all(isinstance(layer, BatchNorm) for layer in fused)
