"""Every method of the CUDA backend against the CPU backend's, in float64, on tiny arrays.

The CPU backend is what the rest of the suite checks against finite differences and
references; here each GPU kernel of the training step must agree with it to 1e-9 (masks,
draws and gathers exactly). Runs under Numba's CUDA simulator in CI.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skdeep.backends import CPU
from skdeep.ops.cpu.random import index_keys
from skdeep.ops.cuda.support import cuda_available

pytestmark = pytest.mark.skipif(not cuda_available(),
                                reason="needs numba-cuda's simulator or a GPU")

TOL = dict(rtol=1e-9, atol=1e-12)


@pytest.fixture(scope="module")
def gpu():
    from skdeep.backends import cuda_backend

    return cuda_backend()


def _data(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _same(gpu, gpu_result, cpu_result, exact=False):
    got = gpu.to_numpy(gpu_result)
    assert got.shape == np.shape(cpu_result)
    if exact:
        assert_array_equal(got, cpu_result)
    else:
        assert_allclose(got, cpu_result, **TOL)


@pytest.mark.parametrize("name", ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu"])
def test_activations(gpu, name):
    z, dy = _data((5, 7)) * 3, _data((5, 7), 1)
    a = CPU.activation(name, z)
    _same(gpu, gpu.activation(name, gpu.asarray(z)), a)
    _same(gpu, gpu.activation_backward(name, *map(gpu.asarray, (dy, z, a))),
          CPU.activation_backward(name, dy, z, a))


def test_dense_forward_and_backward(gpu):
    x, w, b, dy = _data((9, 4)), _data((4, 3), 1), _data(3, 2), _data((9, 3), 3)
    _same(gpu, gpu.dense_forward(*map(gpu.asarray, (x, w, b))), CPU.dense_forward(x, w, b))
    dw, db = np.empty_like(w), np.empty_like(b)
    dx = CPU.dense_backward(x, dy, w, dw, db, True)
    dw_gpu, db_gpu = gpu.empty(w.shape, w.dtype), gpu.empty(b.shape, b.dtype)
    _same(gpu, gpu.dense_backward(*map(gpu.asarray, (x, dy, w)), dw_gpu, db_gpu, True), dx)
    _same(gpu, dw_gpu, dw)
    _same(gpu, db_gpu, db)


@pytest.mark.parametrize("shape, mask_shape", [((4, 6), (4, 6)), ((3, 2, 2, 4), (3, 1, 1, 4))])
def test_masks_and_their_products(gpu, shape, mask_shape):
    keys, x = index_keys(shape[0], np.uint64(11)), _data(shape)
    stream = np.uint64(987654321987654321)
    mask = CPU.keep_mask(keys, stream, 0.4, mask_shape, np.float64)
    mask_gpu = gpu.keep_mask(gpu.asarray(keys), stream, 0.4, mask_shape, np.float64)
    _same(gpu, mask_gpu, mask, exact=True)
    _same(gpu, gpu.multiply(gpu.asarray(x), mask_gpu), CPU.multiply(x, mask), exact=True)
    one_row = CPU.keep_mask(None, stream, 0.3, (1, 12), np.float64)
    _same(gpu, gpu.keep_mask(None, stream, 0.3, (1, 12), np.float64), one_row, exact=True)


def test_maxout(gpu):
    x, dy = _data((2, 3, 3, 6)), _data((2, 3, 3, 3), 1)
    out, winner = CPU.maxout(x, 2)
    out_gpu, winner_gpu = gpu.maxout(gpu.asarray(x), 2)
    _same(gpu, out_gpu, out, exact=True)
    _same(gpu, gpu.maxout_backward(gpu.asarray(dy), winner_gpu, 2, x.shape),
          CPU.maxout_backward(dy, winner, 2, x.shape), exact=True)


@pytest.mark.parametrize("relu", [False, True])  # True: with the ReLU that follows fused in
@pytest.mark.parametrize("positions", [1, 6])
def test_batch_norm(gpu, positions, relu):
    rows, dy = _data((4 * positions, 3)) * 5 + 100, _data((4 * positions, 3), 1)
    fraction = np.array([0.1, 0.2, 0.3, 0.4])
    gamma, beta = _data(3, 2), _data(3, 3)
    mean, var = np.zeros(3), np.ones(3)
    mean_gpu, var_gpu = gpu.asarray(mean), gpu.asarray(var)
    out, cache = CPU.batch_norm_forward(rows, fraction, positions, gamma, beta, 1e-5, mean,
                                        var, 0.1, relu)
    out_gpu, cache_gpu = gpu.batch_norm_forward(gpu.asarray(rows), gpu.asarray(fraction),
                                                positions, gpu.asarray(gamma),
                                                gpu.asarray(beta), 1e-5, mean_gpu, var_gpu, 0.1,
                                                relu)
    assert (out == 0).any() == relu and (out < 0).any() != relu
    _same(gpu, out_gpu, out)
    _same(gpu, mean_gpu, mean)
    _same(gpu, var_gpu, var)
    grads = np.empty(3), np.empty(3)
    grads_gpu = gpu.empty(3, np.float64), gpu.empty(3, np.float64)
    dx = CPU.batch_norm_backward(dy, cache, gamma, *grads)
    _same(gpu, gpu.batch_norm_backward(gpu.asarray(dy), cache_gpu, gpu.asarray(gamma),
                                       *grads_gpu), dx)
    for a, b in zip(grads_gpu, grads):
        _same(gpu, a, b)
    _same(gpu, gpu.batch_norm_inference(gpu.asarray(rows), gpu.asarray(gamma),
                                        gpu.asarray(beta), mean_gpu, var_gpu, 1e-5, relu),
          CPU.batch_norm_inference(rows, gamma, beta, mean, var, 1e-5, relu))


def test_channel_concat_and_split_match_the_cpu(gpu):
    rng = np.random.default_rng(4)
    parts = [rng.standard_normal((2, 3, 4, c)) for c in (1, 3, 2)]
    joined = CPU.concat_channels(parts)
    _same(gpu, gpu.concat_channels([gpu.asarray(p) for p in parts]), joined, exact=True)
    dy = rng.standard_normal(joined.shape)
    for got, expected in zip(gpu.split_channels(gpu.asarray(dy), [1, 3, 2]),
                             CPU.split_channels(dy, [1, 3, 2])):
        _same(gpu, got, expected, exact=True)
    np.testing.assert_array_equal(np.concatenate(CPU.split_channels(dy, [1, 3, 2]), -1), dy)


def test_channel_slices_of_a_dense_block_match_the_cpu(gpu):
    """Writes into, copies out of and sums into channel slices of one buffer."""
    rng = np.random.default_rng(5)
    buffer, part = rng.standard_normal((2, 3, 4, 6)), rng.standard_normal((2, 3, 4, 2))
    buffer_gpu = gpu.asarray(buffer)
    CPU.write_channels(buffer, 3, part)
    gpu.write_channels(buffer_gpu, 3, gpu.asarray(part))
    _same(gpu, buffer_gpu, buffer, exact=True)
    _same(gpu, gpu.take_channels(buffer_gpu[:, :, :, :5], 1, 3),
          CPU.take_channels(buffer[..., :5], 1, 3), exact=True)
    src = rng.standard_normal((2, 3, 4, 4))
    CPU.add_into(buffer[..., :4], src)
    gpu.add_into(buffer_gpu[:, :, :, :4], gpu.asarray(src))
    _same(gpu, buffer_gpu, buffer, exact=True)


@pytest.mark.parametrize("x_width, f_width, residual", [(5, 4, 2), (2, 5, 2)])
def test_dual_path_merge_matches_the_cpu(gpu, x_width, f_width, residual):
    x, f = _data((2, 3, 2, x_width)), _data((2, 3, 2, f_width), 1)
    y = CPU.dual_path_merge(x, f, residual)
    _same(gpu, gpu.dual_path_merge(gpu.asarray(x), gpu.asarray(f), residual), y, exact=True)
    dy = _data(y.shape, 2)
    for got, expected in zip(gpu.dual_path_gradients(gpu.asarray(dy), x_width, f_width,
                                                     residual),
                             CPU.dual_path_gradients(dy, x_width, f_width, residual)):
        _same(gpu, got, expected, exact=True)


@pytest.mark.parametrize("relu", [False, True])
def test_batch_norm_reads_a_channel_slice(gpu, relu):
    buffer = _data((3, 2, 2, 7)) * 4 + 50
    gamma, beta, fraction = _data(4, 1), _data(4, 2), np.full(3, 1 / 3)
    rows = CPU.rows(buffer[..., :4], 4)
    buffer_gpu = gpu.asarray(buffer)
    rows_gpu = gpu.rows(buffer_gpu[:, :, :, :4], 4)
    mean, var = np.zeros(4), np.ones(4)
    mean_gpu, var_gpu = gpu.asarray(mean), gpu.asarray(var)
    out, _ = CPU.batch_norm_forward(rows, fraction, 4, gamma, beta, 1e-5, mean, var, 0.1, relu)
    out_gpu, _ = gpu.batch_norm_forward(rows_gpu, gpu.asarray(fraction), 4, gpu.asarray(gamma),
                                        gpu.asarray(beta), 1e-5, mean_gpu, var_gpu, 0.1, relu)
    _same(gpu, out_gpu, out)
    _same(gpu, mean_gpu, mean)
    _same(gpu, gpu.batch_norm_inference(rows_gpu, gpu.asarray(gamma), gpu.asarray(beta),
                                        mean_gpu, var_gpu, 1e-5, relu),
          CPU.batch_norm_inference(rows, gamma, beta, mean, var, 1e-5, relu))


@pytest.mark.parametrize("name", ["softmax_cross_entropy", "sigmoid_cross_entropy",
                                  "squared_error", "absolute_error", "huber"])
def test_losses_and_links(gpu, name):
    raw, p = _data((6, 3)) * 2, np.linspace(0.05, 0.3, 6)
    y = _data((6, 3), 1)
    if "entropy" in name:
        y = np.eye(3)[[0, 1, 2, 0, 1, 2]] if name.startswith("softmax") else (y > 0) * 1.0
    value, grad = CPU.loss_and_gradient(name, raw, y, p)
    value_gpu, grad_gpu = gpu.loss_and_gradient(name, *map(gpu.asarray, (raw, y, p)))
    assert_allclose(gpu.to_numpy(value_gpu)[0], value, **TOL)
    _same(gpu, grad_gpu, grad)
    _same(gpu, gpu.link(name, gpu.asarray(raw)), CPU.link(name, raw))


def test_penalty_clipping_and_finiteness(gpu):
    w, g = _data(50), _data(50, 1)
    g_cpu, g_gpu = g.copy(), gpu.asarray(g)
    value = CPU.add_penalty(w, g_cpu, 1e-2, 1e-1)
    assert_allclose(gpu.to_numpy(gpu.add_penalty(gpu.asarray(w), g_gpu, 1e-2, 1e-1))[0],
                    value, **TOL)
    _same(gpu, g_gpu, g_cpu)
    for clip in (dict(clip_norm=0.5, clip_value=None), dict(clip_norm=None, clip_value=0.3),
                 dict(clip_norm=1e3, clip_value=None)):
        g_cpu, g_gpu = g.copy(), gpu.asarray(g)
        CPU.clip_gradient(g_cpu, **clip)
        gpu.clip_gradient(g_gpu, **clip)
        _same(gpu, g_gpu, g_cpu)
    assert gpu.is_finite(gpu.asarray(w))
    w[7] = np.nan
    assert not gpu.is_finite(gpu.asarray(w))


@pytest.mark.parametrize("step, state, scalars", [
    ("sgd_step", 0, (0.1,)),
    ("momentum_step", 1, (0.1, 0.9, False)),
    ("momentum_step", 1, (0.1, 0.9, True)),
    ("adagrad_step", 1, (0.1, 1e-8)),
    ("rmsprop_step", 1, (0.01, 0.9, 1e-8)),
    ("adadelta_step", 2, (1.0, 0.9, 1e-6)),
    ("adam_step", 2, (0.01, 0.9, 0.999, 1e-8)),
])
def test_optimizer_steps(gpu, step, state, scalars):
    theta, grad = _data(40), _data(40, 1)
    states = [np.abs(_data(40, 2 + k)) for k in range(state)]
    theta_gpu, states_gpu = gpu.asarray(theta), [gpu.asarray(s) for s in states]
    for _ in range(3):
        getattr(CPU.updates, step)(theta, grad, *states, *scalars)
        getattr(gpu.updates, step)(theta_gpu, gpu.asarray(grad), *states_gpu, *scalars)
    _same(gpu, theta_gpu, theta)
    for a, b in zip(states_gpu, states):
        _same(gpu, a, b)


def test_shortcut_windows_rows_and_augmentation(gpu):
    source, dy = _data((2, 7, 6, 3)), _data((2, 3, 2, 3), 1)
    args = ((1, 1), (2, 3), (3, 2))
    _same(gpu, gpu.strided_window(gpu.asarray(source), *args), CPU.strided_window(source, *args),
          exact=True)
    _same(gpu, gpu.strided_window_backward(gpu.asarray(dy), source.shape, *args[:2]),
          CPU.strided_window_backward(dy, source.shape, *args[:2]), exact=True)
    _same(gpu, gpu.add(gpu.asarray(dy), gpu.asarray(dy)), CPU.add(dy, dy), exact=True)
    order = np.array([1, 0, 1])
    _same(gpu, gpu.take_rows(gpu.asarray(source), order), CPU.take_rows(source, order), exact=True)
    keys, stream = index_keys(2, np.uint64(5)), np.uint64(77)
    for flip in (False, True):
        _same(gpu, gpu.shift_flip(gpu.asarray(source), gpu.asarray(keys), stream, (2, 2), flip),
              CPU.shift_flip(source, keys, stream, (2, 2), flip), exact=True)
