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

from skdeep.ops._cuda_support import simulated

from . import _kernel_signatures as signatures

pytestmark = pytest.mark.skipif(
    not simulated(), reason="on a GPU the kernels compile when the other tests run them")


def _small_workload():
    from skdeep import CNNClassifier, MLPRegressor

    rng = np.random.default_rng(0)
    for dtype in (np.float64, np.float32):
        X = rng.standard_normal((8, 1, 4, 4)).astype(dtype)
        CNNClassifier(filters=(2,), hidden_layer_sizes=(3,), max_iter=1, batch_norm=True,
                      dropout=0.2, device="cuda").fit(X, np.arange(8) % 2)
        MLPRegressor((3,), max_iter=1, device="cuda").fit(X.reshape(8, -1), X[:, 0, 0, 0])


def test_every_launched_kernel_compiles_for_a_gpu(tmp_path):
    if len(signatures.RECORDS) < 20:
        _small_workload()
    kernels = {recipe for recipe, _ in signatures.RECORDS}
    assert any(recipe[0] == "gemm" for recipe in kernels)
    path = tmp_path / "signatures.pkl"
    path.write_bytes(pickle.dumps(signatures.RECORDS))
    result = subprocess.run(
        [sys.executable, "-c", signatures.COMPILE_SCRIPT, str(path)],
        env=dict(os.environ, NUMBA_ENABLE_CUDASIM="0"), capture_output=True, text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    assert f"compiled {len(signatures.RECORDS)} of {len(signatures.RECORDS)}" in result.stdout
