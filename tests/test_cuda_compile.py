"""Every CUDA kernel the other tests launched under the simulator, compiled for a real GPU.

The simulator runs kernels as plain Python, so a kernel that NVIDIA's compiler would reject
(a type it cannot infer, an unsupported call) passes there. Here every (kernel, argument
types) pair launched so far in this session is compiled to PTX for compute capability 8.0
with numba-cuda and NVVM, which need no GPU. This module runs last (tests/conftest.py);
run alone, it launches a small workload first.
"""

import os
import pickle
import subprocess
import sys

import numpy as np
import pytest

from skdeep.ops.cuda.support import simulated

from . import _kernel_signatures as signatures

pytestmark = pytest.mark.skipif(
    not simulated(), reason="on a GPU the kernels compile when the other tests run them")


def _workload():
    """Launch every kernel in both dtypes (when this module runs alone)."""
    from skdeep import CNNClassifier, CNNRegressor, MLPClassifier, MLPRegressor, ops

    rng = np.random.default_rng(0)
    for dtype in (np.float64, np.float32):
        X = rng.standard_normal((8, 1, 4, 4)).astype(dtype)
        rows, y = X.reshape(8, -1), np.arange(8) % 2
        CNNClassifier(filters=(2, 2), hidden_layer_sizes=(3,), max_iter=1, batch_norm=True,
                      residual=True, strides=(1, 2), pooling="stochastic", augment="shift_flip",
                      spatial_dropout=0.2, activation="maxout", device="cuda").fit(X, y).predict(X)
        CNNRegressor(filters=(2,), hidden_layer_sizes=(3,), max_iter=1, pooling="avg",
                     device="cuda").fit(X, y * 1.0)
        CNNClassifier(architecture=[
            ("conv", 4, 3), ("aux", ["gap"]), ("concat", [], [("maxpool", 3, 1, 1)]),
            ("concat", [], ["bn", ("conv", 2, 1)]), ("concat", [], ["bn", ("conv", 2, 1)]),
            ("dual", [("conv", 4, 3, 1, "same", 2), ("conv", 6, 1)], 2),
            ("avgpool", 3, 2, 1), ("stochasticpool", 2, 1, 1)], hidden_layer_sizes=(),
            max_iter=1, device="cuda").fit(X, y)
        MLPClassifier((3,), max_iter=1, dropconnect=0.2, clip_value=0.1, early_stopping=True,
                      optimizer="adamw", l2=1e-3, device="cuda").fit(rows, np.eye(2)[y])
        for optimizer, loss in [("sgd", "huber"), ("momentum", "absolute_error"),
                                ("adagrad", "squared_error"), ("adadelta", "squared_error"),
                                ("rmsprop", "squared_error")]:
            MLPRegressor((3,), max_iter=1, optimizer=optimizer, loss=loss, clip_norm=1.0,
                         activation="sigmoid", l1=1e-3, device="cuda").fit(rows, y * 1.0)
        w = rng.standard_normal((2, 1, 3, 3)).astype(dtype)
        ops.max_pool2d_backward(ops.max_pool2d(X, device="cuda"), X, device="cuda")
        ops.stochastic_pool2d_backward(ops.stochastic_pool2d(X, device="cuda"), X, device="cuda")
        ops.conv2d_backward(ops.conv2d(X, w, device="cuda"), X, w, device="cuda")
        MLPClassifier((3,), max_iter=1, activation="tanh", device="cuda").fit(rows, y)
        MLPClassifier((3,), max_iter=1, batch_norm=True, device="cuda").fit(rows, y)  # BN + ReLU
        MLPClassifier((3,), max_iter=1, activation="leaky_relu", device="cuda").fit(rows, y)
        MLPClassifier((3,), max_iter=1, activation="elu", device="cuda").fit(rows, y)


def _defined_kernels():
    """("kernel", module, name) of every kernel (not device function) in skdeep.ops.cuda."""
    import importlib
    import pkgutil

    from numba.cuda.simulator.kernel import FakeCUDAKernel

    import skdeep.ops.cuda

    found = set()
    for info in pkgutil.iter_modules(skdeep.ops.cuda.__path__):
        module = importlib.import_module(f"skdeep.ops.cuda.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, FakeCUDAKernel) and not value._device:
                found.add(("kernel", module.__name__, name))
    return found


def test_every_launched_kernel_compiles_for_a_gpu(tmp_path):
    defined = _defined_kernels()
    assert len(defined) > 30  # the search below still finds the kernels
    if not defined <= {recipe for recipe, _ in signatures.RECORDS}:
        _workload()  # run alone, or after tests that launch only some kernels
    kernels = {recipe for recipe, _ in signatures.RECORDS}
    assert any(recipe[0] == "gemm" for recipe in kernels)
    assert defined <= kernels, f"kernels no test launched: {sorted(defined - kernels)}"
    path = tmp_path / "signatures.pkl"
    path.write_bytes(pickle.dumps(signatures.RECORDS))
    result = subprocess.run(
        [sys.executable, "-c", signatures.COMPILE_SCRIPT, str(path)],
        env=dict(os.environ, NUMBA_ENABLE_CUDASIM="0"), capture_output=True, text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    assert f"compiled {len(signatures.RECORDS)} of {len(signatures.RECORDS)}" in result.stdout
