"""Estimators trained with device="cuda" (Numba's CUDA simulator in CI) against the same
fits on the CPU: the same masks, draws and batches, so the same model up to rounding.

Shapes are tiny and epochs few: the simulator runs one Python thread per GPU thread.
"""

import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skdeep import CNNClassifier, CNNRegressor, DivergenceError, MLPClassifier, MLPRegressor
from skdeep.ops.cuda.support import cuda_available

pytestmark = pytest.mark.skipif(not cuda_available(),
                                reason="needs numba-cuda's simulator or a GPU")

RNG = np.random.default_rng(0)
X_TAB = RNG.standard_normal((24, 5))
Y_CLASS = (X_TAB[:, 0] + X_TAB[:, 1] > 0).astype(int) + (X_TAB[:, 2] > 1)
Y_MULTILABEL = np.column_stack([X_TAB[:, 0] > 0, X_TAB[:, 3] > 0]).astype(int)
Y_REG = X_TAB @ RNG.standard_normal(5)
X_IMG = RNG.standard_normal((8, 1, 5, 5))
Y_IMG = (X_IMG[:, 0, :2].sum(axis=(1, 2)) > 0).astype(int)


def _fit_both(make, X, y, **fit_kwargs):
    models = {device: make(device).fit(X, y, **fit_kwargs) for device in ("cpu", "cuda")}
    return models["cpu"], models["cuda"]


def _assert_same_model(cpu, gpu, X, rtol):
    assert gpu.n_iter_ == cpu.n_iter_
    assert_allclose(gpu.loss_curve_, cpu.loss_curve_, rtol=rtol)
    for a, b in zip(gpu.coefs_ + gpu.intercepts_, cpu.coefs_ + cpu.intercepts_):
        assert isinstance(a, np.ndarray) and a.dtype == b.dtype
        assert_allclose(a, b, rtol=rtol, atol=rtol)
    predict = getattr(cpu, "predict_proba", cpu.predict)
    assert_allclose(getattr(gpu, predict.__name__)(X), predict(X), rtol=rtol, atol=rtol)


MLP_CASES = [
    (MLPClassifier, Y_CLASS, dict(dropout=0.2, batch_norm=True, optimizer="nesterov", l2=1e-3,
                                  clip_norm=0.5, activation="tanh")),
    (MLPClassifier, Y_MULTILABEL, dict(activation="maxout", optimizer="rmsprop",
                                       dropconnect=0.3, early_stopping=True,
                                       validation_fraction=0.25, n_iter_no_change=1)),
    (MLPRegressor, Y_REG, dict(loss="huber", optimizer="adamw", l2=1e-2, activation="elu",
                               clip_value=0.1, batch_norm=True)),
    (MLPRegressor, Y_REG, dict(loss="absolute_error", optimizer="adadelta", l1=1e-3,
                               activation="leaky_relu", learning_rate=1.0)),
    (MLPClassifier, Y_CLASS, dict(optimizer="adagrad", activation="sigmoid", shuffle=False)),
]


@pytest.mark.parametrize("estimator, y, params", MLP_CASES)
def test_mlp_trained_on_cuda_equals_cpu(estimator, y, params):
    def make(device):
        return estimator(hidden_layer_sizes=(6,), max_iter=2, batch_size=10, random_state=0,
                         device=device, **params)

    cpu, gpu = _fit_both(make, X_TAB, y)
    _assert_same_model(cpu, gpu, X_TAB, rtol=1e-9)


def test_float32_and_sample_weight_on_cuda():
    weights = np.arange(len(X_TAB)) % 3 * 0.5
    X = X_TAB.astype(np.float32)

    def make(device):
        return MLPRegressor(hidden_layer_sizes=(6,), max_iter=2, batch_size=8, random_state=0,
                            dropout=0.1, device=device)

    cpu, gpu = _fit_both(make, X, Y_REG, sample_weight=weights)
    assert gpu.coefs_[0].dtype == np.float32 and gpu.predict(X).dtype == np.float32
    _assert_same_model(cpu, gpu, X, rtol=1e-4)


CNN_CASES = [
    (CNNClassifier, dict(filters=(2,), pooling="max")),
    # block 1: a 1x1 projection shortcut (1 -> 2 channels); block 2: a strided identity one
    (CNNClassifier, dict(filters=(2, 2), pooling="stochastic", residual=True, batch_norm=True,
                         spatial_dropout=0.3, activation="maxout", augment="shift_flip",
                         strides=(1, 2))),
    (CNNRegressor, dict(filters=(2,), pooling="avg", padding="valid", dropconnect=0.3,
                        optimizer="adam", activation="relu")),
    # layer specs: overlapping pooling, a strided residual block with a projection, GAP
    (CNNClassifier, dict(architecture=[
        ("conv", 2, 3), "bn", "relu", ("maxpool", 3, 1),
        ("residual", [("conv", 3, 3, 2), "bn", "relu", ("conv", 3, 3), "bn"]), "relu",
        ("avgpool", 2, 1), ("dropout", 0.2), "gap"])),
    # a residual block with its shortcut written out: strided 1x1 projection + batch norm
    (CNNRegressor, dict(architecture=[
        ("conv", 2, 3), "relu",
        ("residual", [("conv", 3, 3, 2, 1), "bn", "relu", ("conv", 3, 3), "bn"],
         [("conv", 3, 1, 2, 0), "bn"]), "relu", "gap"])),
    # concatenated branches (a run of dense layers growing one buffer, then an
    # inception-like module)
    (CNNClassifier, dict(architecture=[
        ("conv", 2, 3), ("concat", [], ["bn", "relu", ("conv", 2, 3)]),
        ("concat", [], ["bn", ("conv", 2, 1)]),
        ("concat", [("conv", 2, 1)], [("conv", 1, 1), "relu", ("conv", 2, 3)]), "relu"])),
    # an inception module with its padded pool branch, an auxiliary classifier (its loss
    # weighted on the device), grouped convolution and a dual path block
    (CNNClassifier, dict(architecture=[
        ("conv", 4, 3), "relu", ("aux", [("avgpool", 2), ("conv", 2, 1), "relu"], 3, 0.3),
        ("concat", [("conv", 2, 1)], [("maxpool", 3, 1, 1), ("conv", 2, 1)]),
        ("dual", ["bn", "relu", ("conv", 4, 3, 1, "same", 2), ("conv", 4, 1)], 2),
        ("avgpool", 3, 2, 1), "gap"])),
    # a ReLU right before max pooling (which applies it to the pooled maps)
    (CNNClassifier, dict(architecture=[("conv", 3, 3), "relu", ("maxpool", 2), "gap"])),
    # the first conv block frozen: the optimizer updates the trainable part of theta only
    (CNNRegressor, dict(filters=(2, 2), batch_norm=True, freeze=2)),
]


@pytest.mark.parametrize("estimator, params", CNN_CASES)
def test_cnn_trained_on_cuda_equals_cpu(estimator, params):
    y = Y_IMG if estimator is CNNClassifier else Y_IMG * 2.0 - 1.0

    def make(device):
        return estimator(hidden_layer_sizes=(4,), kernel_size=3, max_iter=1, batch_size=None,
                         random_state=0, device=device, **params)

    cpu, gpu = _fit_both(make, X_IMG, y)
    _assert_same_model(cpu, gpu, X_IMG, rtol=1e-9)


def test_cuda_fit_is_deterministic_and_continues_like_cpu():
    def make(device):
        return MLPClassifier(hidden_layer_sizes=(5,), max_iter=1, batch_size=12, dropout=0.2,
                             optimizer="adam", random_state=3, device=device)

    first, second = make("cuda").fit(X_TAB, Y_CLASS), make("cuda").fit(X_TAB, Y_CLASS)
    for a, b in zip(first.coefs_, second.coefs_):
        assert_array_equal(a, b)  # no atomics: bit-identical
    cpu = make("cpu").fit(X_TAB, Y_CLASS)
    for model in (first, cpu):  # optimizer state goes back to the host and up again
        model.partial_fit(X_TAB, Y_CLASS)
    _assert_same_model(cpu, first, X_TAB, rtol=1e-9)


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")  # the simulator's
def test_divergence_on_cuda_raises_and_leaves_model_unfitted():
    model = MLPRegressor((8,), optimizer="sgd", learning_rate=10.0, max_iter=2, batch_size=12,
                         random_state=0, device="cuda")
    with pytest.raises(DivergenceError, match=r"epoch \d+.*learning_rate"):
        model.fit(X_TAB * 1e3, Y_REG * 1e3)
    assert not hasattr(model, "_network")


_WITHOUT_GPU = textwrap.dedent("""
    import pickle, sys, warnings
    import numpy as np
    from skdeep import MLPClassifier
    model = pickle.loads(sys.stdin.buffer.read())
    X = np.load(sys.argv[1])
    np.save(sys.argv[2], model.predict_proba(X))   # a GPU-fitted model, no GPU here
    failed = MLPClassifier(device="cuda", max_iter=1)
    try:
        failed.fit(X, model.predict(X))
    except ValueError as error:
        print("cuda error:", error)
    print("left unfitted:", not hasattr(failed, "n_iter_"))
    auto = MLPClassifier(device="auto", max_iter=1, random_state=0).fit(X, model.predict(X))
    print("auto fitted:", auto.n_iter_)
""")


def test_gpu_fitted_model_pickles_numpy_and_predicts_without_a_gpu(tmp_path):
    model = MLPClassifier(hidden_layer_sizes=(5,), max_iter=2, batch_norm=True,
                          optimizer="momentum", random_state=0, device="cuda").fit(X_TAB, Y_CLASS)
    blob = pickle.dumps(model)
    assert b"FakeCUDAArray" not in blob and b"DeviceNDArray" not in blob
    np.save(tmp_path / "X.npy", X_TAB)
    # No simulator and no visible device: a machine without a GPU.
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="0", CUDA_VISIBLE_DEVICES="")
    result = subprocess.run(
        [sys.executable, "-c", _WITHOUT_GPU, str(tmp_path / "X.npy"), str(tmp_path / "p.npy")],
        input=blob, capture_output=True, env=env, timeout=300, check=True,
    )
    out = result.stdout.decode()
    assert "cuda error: MLPClassifier: device='cuda' needs an NVIDIA GPU" in out
    assert "left unfitted: True" in out
    assert "auto fitted: 1" in out
    assert_allclose(np.load(tmp_path / "p.npy"), model.predict_proba(X_TAB), rtol=1e-12)


def test_training_steps_reuse_their_buffers():
    """After the first steps of each batch shape, a GPU fit allocates nothing per step."""
    from skdeep.ops.cuda import arrays as _cuda_arrays

    sizes = []
    original = _cuda_arrays.Workspace.step

    def spy(workspace):
        sizes.append(len(workspace))
        return original(workspace)

    model = CNNClassifier(filters=(2,), kernel_size=3, hidden_layer_sizes=(3,), batch_size=3,
                          max_iter=2, dropout=0.2, random_state=0, device="cuda")
    try:
        _cuda_arrays.Workspace.step = spy
        model.fit(X_IMG, Y_IMG)  # 8 samples: batches of 3, 3, 2
    finally:
        _cuda_arrays.Workspace.step = original
    # buffers held when each step starts: the first step fills the workspace, the second
    # (same batch size) reuses them, the third (batch of 2) adds its own, then nothing
    assert len(sizes) == 6 and sizes[0] == 0 < sizes[1]
    assert sizes[2] == sizes[1] < sizes[3]
    assert sizes[3] == sizes[4] == sizes[5]


def _count_transfers(monkeypatch, model, X, y):
    """Host-to-device and device-to-host copies during ``model.fit``."""
    from numba import cuda

    counts = {"to_device": 0, "to_host": 0}
    to_device, array_type = cuda.to_device, type(cuda.device_array(1))
    copy_to_host = array_type.copy_to_host

    def counting_to_device(*args, **kwargs):
        counts["to_device"] += 1
        return to_device(*args, **kwargs)

    def counting_to_host(self, *args, **kwargs):
        counts["to_host"] += 1
        return copy_to_host(self, *args, **kwargs)

    monkeypatch.setattr(cuda, "to_device", counting_to_device)
    monkeypatch.setattr(array_type, "copy_to_host", counting_to_host)
    model.fit(X, y)
    monkeypatch.undo()
    return counts


def test_no_copies_between_host_and_device_per_batch(monkeypatch):
    """Doubling the batches per epoch adds no copy: data go up once per fit (and each
    epoch's shuffled order), the loss comes back once per epoch."""
    def make(batch_size):
        return MLPClassifier(hidden_layer_sizes=(4,), batch_size=batch_size, max_iter=1,
                             dropout=0.2, l2=1e-3, clip_norm=1.0,
                             random_state=0, device="cuda")

    from skdeep.ops.cuda.support import kernel_problem

    assert kernel_problem() is None  # the once-per-process check reads one array back
    few = _count_transfers(monkeypatch, make(12), X_TAB, Y_CLASS)     # 2 batches per epoch
    many = _count_transfers(monkeypatch, make(6), X_TAB, Y_CLASS)     # 4 batches per epoch
    assert few == many
    # the epoch's loss, then the weights, 2 Adam moments and the finiteness check at the end
    assert few["to_host"] == 1 + 4


def test_loss_without_masks_is_the_same_on_cuda():
    """Networks with random masks judge progress on their loss without masks: the GPU
    evaluates it (one number read back per epoch) to the CPU's value."""
    def make(device):
        return MLPClassifier(hidden_layer_sizes=(6,), dropout=0.3, max_iter=5,
                             n_iter_no_change=2, random_state=0, device=device)

    cpu, gpu = _fit_both(make, X_TAB, Y_CLASS)
    assert np.isfinite(cpu._monitor.best_clean_loss)
    assert_allclose(gpu._monitor.best_clean_loss, cpu._monitor.best_clean_loss, rtol=1e-9)
    _assert_same_model(cpu, gpu, X_TAB, rtol=1e-9)


def test_cnn_with_batch_norm_that_pools_trained_on_cuda_equals_cpu(monkeypatch):
    # Batch norm and the 2x2 max pooling after it as one backend operation (fused from
    # 8x8 maps; these are 5x5).
    import skdeep.nn.network

    monkeypatch.setattr(skdeep.nn.network, "MIN_FUSED_POSITIONS", 1)

    def make(device):
        return CNNClassifier(filters=(16,), batch_norm=True, pooling="max", kernel_size=3,
                             hidden_layer_sizes=(4,), max_iter=1, batch_size=None,
                             random_state=0, device=device)

    cpu, gpu = _fit_both(make, X_IMG, Y_IMG)
    assert any(getattr(layer, "pools", False) for layer in cpu._network.layers)
    _assert_same_model(cpu, gpu, X_IMG, rtol=1e-9)
