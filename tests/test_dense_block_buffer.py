"""Dense blocks grow one buffer: a run of dense layers writes each layer's new maps into a
channel slice, and reads the channels before it in place (see
:func:`skdeep.nn.layers.branches.grow_dense_blocks`)."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import skdeep.nn.network as network_module
from skdeep import CNNClassifier
from skdeep.backends import CPU
from skdeep.nn.layers import BranchFork, BranchMerge, grow_dense_blocks
from skdeep.nn.specs import build_layers
from skdeep.ops.cpu.flat import flat_rows

RNG = np.random.default_rng(0)
DENSE_LAYER = ("concat", [], ["bn", "relu", ("conv", 2, 3)])


def _merges(layers):
    return [layer for layer in layers if isinstance(layer, BranchMerge)]


def test_a_run_of_dense_layers_writes_into_the_first_merges_buffer():
    layers, shape = build_layers([("conv", 3, 3), DENSE_LAYER, DENSE_LAYER, DENSE_LAYER,
                                  ("avgpool", 2), DENSE_LAYER], (6, 6, 1))
    grow_dense_blocks(layers)
    first, second, third, alone = _merges(layers)
    assert [m.block_width for m in (first, second, third)] == [9, 9, 9]
    assert (first.extends, second.extends, third.extends) == (None, first, second)
    assert alone.block_width is None and alone.extends is None  # a run of one copies
    forks = [layer for layer in layers if isinstance(layer, BranchFork)]
    assert [fork.adds_in_place for fork in forks] == [False, True, True, False]
    assert shape == (3, 3, 11)


def test_a_dense_layer_that_does_not_start_with_batch_norm_starts_a_new_run():
    """Only batch norm reads a channel slice in place; a convolution gets a copy."""
    layers, _ = build_layers([DENSE_LAYER, ("concat", [], [("conv", 2, 3)]), DENSE_LAYER],
                             (5, 5, 2))
    grow_dense_blocks(layers)
    first, second, third = _merges(layers)
    assert first.block_width is None
    assert (second.block_width, third.block_width) == (8, 8)
    assert third.extends is second


def test_a_run_returns_channel_slices_of_one_buffer_and_its_last_merge_the_whole():
    from skdeep.nn.network import Network

    layers, _ = build_layers([DENSE_LAYER, DENSE_LAYER], (4, 4, 3))
    network = Network(layers, "squared_error", np.float64)
    network.initialize("glorot_normal", np.random.default_rng(0))
    outputs = {}
    for merge in _merges(layers):
        forward = merge.forward
        merge.forward = lambda x, ctx, m=merge, f=forward: outputs.setdefault(m, f(x, ctx))
    x = RNG.standard_normal((2, 4, 4, 3))
    y = network.forward(x)
    first, last = (outputs[m] for m in _merges(layers))
    assert first.shape == (2, 4, 4, 5) and not first.flags.c_contiguous
    assert last is y and y.flags.c_contiguous and y.shape == (2, 4, 4, 7)
    assert np.shares_memory(first, last)
    assert_array_equal(y[..., :3], x)


def _fit(architecture, grow, monkeypatch, **params):
    if not grow:
        monkeypatch.setattr(network_module, "grow_dense_blocks", lambda layers: None)
    X = np.random.default_rng(1).standard_normal((24, 1, 10, 10)).astype(np.float32)
    model = CNNClassifier(architecture=architecture, hidden_layer_sizes=(), max_iter=2,
                          batch_size=8, random_state=0, **params).fit(X, np.arange(24) % 3)
    monkeypatch.undo()
    return model, X


@pytest.mark.parametrize("architecture, params", [
    ("densenet", dict(depth=16, width=3)),  # BN-ReLU (fused) -> 1x1 -> BN-ReLU -> 3x3
    ([("conv", 4, 3), ("concat", [], ["bn", "tanh", ("conv", 2, 3)]),
      ("concat", [], ["bn", ("conv", 3, 1)]), ("concat", [], ["bn", "relu", ("conv", 2, 3)]),
      "gap"], {}),
])
def test_grown_blocks_train_to_the_same_bits_as_copies(architecture, params, monkeypatch):
    grown, X = _fit(architecture, True, monkeypatch, **params)
    copied, _ = _fit(architecture, False, monkeypatch, **params)
    assert any(m.extends is not None for m in _merges(grown._network.layers))
    assert all(m.block_width is None for m in _merges(copied._network.layers))
    assert_array_equal(grown._network.theta, copied._network.theta)
    for a, b in zip(grown._network.layers, copied._network.layers):
        for name in a.buffers:
            assert_array_equal(getattr(a, name), getattr(b, name))
    assert_array_equal(grown.predict_proba(X), copied.predict_proba(X))


def test_flat_rows_reads_a_channel_slice_in_place():
    buffer = RNG.standard_normal((2, 3, 3, 8)).astype(np.float32)
    for view in (buffer, buffer[..., :5], buffer[..., 2:3]):
        flat, stride = flat_rows(view)
        rows = view.reshape(-1, view.shape[-1])
        assert stride == 8  # rows are the buffer's width apart
        assert np.shares_memory(flat, buffer)
        for r, row in enumerate(rows):
            assert_array_equal(flat[r * stride: r * stride + view.shape[-1]], row)
    flat, stride = flat_rows(buffer[:, :, ::2])  # rows not evenly spaced: a copy
    assert stride == 8 and not np.shares_memory(flat, buffer)
    assert_array_equal(flat.reshape(2, 3, 2, 8), buffer[:, :, ::2])


@pytest.mark.parametrize("relu", [False, True])
def test_batch_norm_of_a_channel_slice_equals_that_of_its_copy(relu):
    buffer = RNG.standard_normal((3, 2, 2, 7)) * 4 + 50
    view = buffer[..., :4].reshape(-1, 4)
    copy = np.ascontiguousarray(view)
    gamma, beta, fraction = RNG.standard_normal(4), RNG.standard_normal(4), np.full(3, 1 / 3)
    results = []
    for rows in (view, copy):
        mean, var = np.zeros(4), np.ones(4)
        out, cache = CPU.batch_norm_forward(rows, fraction, 4, gamma, beta, 1e-5, mean, var,
                                            0.1, relu)
        grads = np.empty(4), np.empty(4)
        dx = CPU.batch_norm_backward(np.cos(out), cache, gamma, *grads)
        inference = CPU.batch_norm_inference(rows, gamma, beta, mean, var, 1e-5, relu)
        results.append([out, mean, var, dx, *grads, inference])
    for got, expected in zip(*results):
        assert_array_equal(got, expected)


def test_channel_writes_takes_and_in_place_sums():
    buffer = RNG.standard_normal((2, 3, 3, 6))
    part = RNG.standard_normal((2, 3, 3, 2))
    expected = buffer.copy()
    expected[..., 3:5] = part
    CPU.write_channels(buffer, 3, part)
    assert_array_equal(buffer, expected)
    taken = CPU.take_channels(buffer[..., :5], 1, 3)
    assert taken.flags.c_contiguous
    assert_array_equal(taken, buffer[..., 1:4])
    view, src = buffer[..., :4], RNG.standard_normal((2, 3, 3, 4))
    expected[..., :4] += src
    CPU.add_into(view, src)
    assert_array_equal(buffer, expected)
