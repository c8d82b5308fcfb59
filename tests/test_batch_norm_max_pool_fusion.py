"""A batch norm layer followed by 2x2 max pooling pools itself
(:func:`skdeep.nn.network.fuse_batch_norm_max_pool`): the results must be those of the
separate layers, to the bit on the CPU, while training, predicting and with frozen
layers; the backends' fused operations must agree."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skdeep import CNNClassifier, CNNRegressor
from skdeep.backends.cpu import CPU
from skdeep.nn.layers import BatchNorm, MaxPool2D

from ._fusion import assert_same_model, fit_fused_and_separate

FUSION = "fuse_batch_norm_max_pool"

SPECS = [("conv", 16, 3), "bn", ("maxpool", 2), "relu", ("conv", 16, 3), "bn", "relu",
         ("maxpool", 2), ("conv", 6, 3), "bn", ("maxpool", 2), ("conv", 16, 1), "bn",
         ("maxpool", 3, 1, 1), "gap"]


def _images(n=40, size=26, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 2, size, size)).astype(dtype)
    return X, (X[:, 0, 3:9, 3:9].mean(axis=(1, 2)) > 0).astype(int)


def _cnn(estimator=CNNClassifier, **params):
    return estimator(architecture=SPECS, hidden_layer_sizes=(5,), max_iter=3, batch_size=16,
                     random_state=0, **params)


def test_fused_are_the_batch_norms_before_a_2x2_max_pooling():
    X, y = _images()
    layers = _cnn().fit(X, y)._network.layers
    norms = [layer for layer in layers if isinstance(layer, BatchNorm)]
    # directly before one; before the ReLU it applies, then one; 6 channels (too few);
    # before a 3x3 pooling
    assert [norm.pools for norm in norms] == [True, True, False, False]
    pools = [layer for layer in layers if type(layer) is MaxPool2D]
    assert [pool.applied_before for pool in pools] == [True, True, False, False]
    # the same network on 12x12 images: the second pair's maps (6x6) are too small
    X, y = _images(size=12)
    norms = [layer for layer in _cnn().fit(X, y)._network.layers
             if isinstance(layer, BatchNorm)]
    assert [norm.pools for norm in norms] == [True, False, False, False]


@pytest.mark.parametrize("weighted", [False, True])
def test_cnn_fit_and_predictions_equal_separate_layers(monkeypatch, weighted):
    X, y = _images()  # 13x13 maps after the first pooling: a row and column no window covers
    weights = np.arange(len(X)) % 3 + 0.5 if weighted else None
    fused, separate = fit_fused_and_separate(monkeypatch, FUSION, _cnn, X, y,
                                             sample_weight=weights)
    assert not any(layer.pools for layer in separate._network.layers
                   if isinstance(layer, BatchNorm))
    assert_same_model(fused, separate, X, ("predict_proba", "transform"))


def test_float64_regressor_equals_separate_layers(monkeypatch):
    X, _ = _images(size=16, dtype=np.float64)
    y = X[:, 1].mean(axis=(1, 2))
    fused, separate = fit_fused_and_separate(
        monkeypatch, FUSION, lambda: _cnn(CNNRegressor, dropout=0.2), X, y)
    assert fused.coefs_[0].dtype == np.float64
    assert_same_model(fused, separate, X, ("predict",))


def test_frozen_batch_norm_is_not_fused_and_fits_as_before(monkeypatch):
    X, y = _images()
    source = _cnn().fit(X, y)
    fused, separate = fit_fused_and_separate(
        monkeypatch, FUSION, lambda: _cnn(init_from=source, freeze=2), X, y)
    norms = [layer for layer in fused._network.layers if isinstance(layer, BatchNorm)]
    assert norms[0].frozen and not norms[0].pools and norms[1].pools
    assert_same_model(fused, separate, X)


@pytest.mark.parametrize("relu", [False, True])
@pytest.mark.parametrize("shape", [(3, 6, 8, 5), (2, 7, 9, 4)])
def test_the_fused_operation_is_batch_norm_then_pooling(shape, relu):
    # The backend operation itself, against the two operations it replaces.
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape).astype(np.float32)
    gamma, beta = rng.standard_normal((2, shape[3])).astype(np.float32)
    fraction = rng.random(shape[0])
    fraction /= fraction.sum()
    positions, out_hw = shape[1] * shape[2], (shape[1] // 2, shape[2] // 2)
    stats = [(np.zeros(shape[3], np.float32), np.ones(shape[3], np.float32)) for _ in range(2)]
    normalized, cache = CPU.batch_norm_forward(x.reshape(-1, shape[3]), fraction, positions,
                                               gamma, beta, 1e-5, *stats[0], 0.1, relu)
    pooled, index = CPU.max_pool2d(normalized.reshape(shape), (2, 2), (2, 2), out_hw)
    fused, fused_cache = CPU.batch_norm_max_pool_forward(x, fraction, positions, gamma, beta,
                                                         1e-5, *stats[1], 0.1, relu)
    assert_array_equal(fused, pooled)
    assert_array_equal(stats[0][0], stats[1][0])
    assert_array_equal(stats[0][1], stats[1][1])
    dy = rng.standard_normal(pooled.shape).astype(np.float32)
    grads = [np.empty((2, shape[3]), np.float32) for _ in range(2)]
    routed = CPU.pool2d_backward_from_index(dy, index, shape, (2, 2), (2, 2))
    dx = CPU.batch_norm_backward(routed.reshape(-1, shape[3]), cache, gamma, *grads[0])
    fused_dx = CPU.batch_norm_max_pool_backward(dy, fused_cache, gamma, *grads[1])
    assert_array_equal(fused_dx, dx.reshape(shape))
    assert_array_equal(grads[1], grads[0])


@pytest.mark.parametrize("relu", [False, True])
def test_cuda_fused_operation_matches_the_cpu(relu):
    # Under Numba's simulator in CI: the GPU backend's operation against the CPU's kernels.
    from skdeep.backends.cuda import CUDABackend

    cuda = CUDABackend()
    shape = (2, 5, 6, 3)
    rng = np.random.default_rng(2)
    x = rng.standard_normal(shape)
    gamma, beta = rng.standard_normal((2, shape[3]))
    fraction = np.full(shape[0], 1.0 / shape[0])
    results = []
    for backend in (CPU, cuda):
        mean, var = np.zeros(shape[3]), np.ones(shape[3])
        stats = (backend.asarray(mean), backend.asarray(var))
        out, cache = backend.batch_norm_max_pool_forward(
            backend.asarray(x), backend.asarray(fraction), 30, backend.asarray(gamma),
            backend.asarray(beta), 1e-5, *stats, 0.1, relu)
        dy = rng.standard_normal(out.shape) if not results else results[0][4]
        grads = [backend.asarray(np.empty(shape[3])) for _ in range(2)]
        dx = backend.batch_norm_max_pool_backward(backend.asarray(dy), cache,
                                                  backend.asarray(gamma), *grads)
        results.append([backend.to_numpy(a) for a in (out, dx, *grads, dy, *stats)])
    for cpu_value, gpu_value in zip(*results):
        np.testing.assert_allclose(gpu_value, cpu_value, rtol=1e-10, atol=1e-12)
