"""Flat vectors that update loops stream through together start a kilobyte apart modulo
4 KB (:func:`skdeep.ops.cpu.flat.placed_zeros`), so that no loop stalls on 4K aliasing."""

import pickle

import numpy as np
import pytest

from skdeep import MLPClassifier
from skdeep.ops.cpu.flat import PAGE_BYTES, SLOT_BYTES, placed_zeros


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("slot", [0, 1, 2, 3, 5])
def test_placed_zeros_start_at_their_slot(dtype, slot):
    a = placed_zeros((7, 3), dtype, slot)
    assert a.shape == (7, 3) and a.dtype == dtype and a.flags.c_contiguous
    assert not a.any()
    assert a.ctypes.data % PAGE_BYTES == (slot % 4) * SLOT_BYTES
    a[...] = 1.0  # writable, and nothing outside the view is
    assert a.base.sum() == a.size
    assert np.array_equal(pickle.loads(pickle.dumps(a)), a)


@pytest.mark.parametrize("optimizer", ["adam", "adadelta", "momentum"])
def test_parameters_gradient_and_optimizer_state_are_placed_apart(optimizer):
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((40, 6)), np.arange(40) % 2
    model = MLPClassifier((5,), optimizer=optimizer, max_iter=2, random_state=0).fit(X, y)
    network, state = model._network, model._optimizer
    arrays = [network.theta, network.grad] + [getattr(state, name) for name in state.state]
    offsets = [a.ctypes.data % PAGE_BYTES for a in arrays]
    assert offsets == [(slot % 4) * SLOT_BYTES for slot in range(len(arrays))]
