"""skdeep.ops with device="cuda" (Numba's CUDA simulator in CI; a GPU where one is visible)
against the NumPy references and against the CPU kernels, on tiny shapes.

The simulator runs one Python thread per GPU thread, so cases are few and small; the
kernels are the same code that runs on a GPU (the GEMM's tile sizes are smaller under the
simulator; one test runs the GPU's tile sizes too).
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skdeep import ops
from skdeep.ops.cuda.support import cuda_available

from . import _reference_ops as ref
from .test_ops import _assert_close, _data

pytestmark = pytest.mark.skipif(not cuda_available(),
                                reason="needs numba-cuda's simulator or a GPU")

CONV_CASES = [
    # (N, C, H, W, F, KH, KW, stride, padding)
    (2, 2, 5, 6, 3, 3, 3, 1, "same"),
    (1, 3, 7, 5, 2, 2, 3, 2, "same"),       # even kernel (asymmetric padding), stride 2
    (2, 2, 6, 6, 4, 3, 3, 2, "valid"),
    (1, 2, 1, 9, 3, 1, 3, 1, 1),            # a 1-D signal
]


def _cuda():
    from numba import cuda

    return cuda


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CONV_CASES)
def test_cuda_conv2d_and_gradients_match_reference(case, dtype):
    n, c, h, w_, f, kh, kw, stride, padding = case
    x, w, b = _data((n, c, h, w_), dtype, 0), _data((f, c, kh, kw), dtype, 1), _data(f, dtype, 2)
    y = ops.conv2d(x, w, b, stride=stride, padding=padding, device="cuda")
    x64, w64 = x.astype(np.float64), w.astype(np.float64)
    wanted = ref.conv2d(x64, w64, b, stride, padding)
    assert isinstance(y, np.ndarray) and y.shape == wanted.shape
    _assert_close(y, wanted, dtype)
    dy = _data(y.shape, dtype, 3)
    grads = ops.conv2d_backward(dy, x, w, stride=stride, padding=padding, device="cuda")
    for actual, expected in zip(grads, ref.conv2d_backward(dy.astype(np.float64), x64, w64,
                                                           stride, padding)):
        assert actual.shape == expected.shape
        _assert_close(actual, expected, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("channels, filters", [(16, 16), (16, 6), (6, 16)])
def test_cuda_conv2d_matches_the_cpu_direct_kernels(channels, filters, dtype):
    # Rows of 12 outputs: the CPU runs its direct kernels (skdeep.ops.cpu.conv_direct)
    # forward, for the weight gradient and for dx; with 6 filters (forward) or 6 channels
    # (dx, a convolution into them) on fields of 48+ values, filters as the product's rows.
    from skdeep.ops.cpu import conv_direct

    x, b = _data((1, channels, 2, 12), dtype, 0), _data(filters, dtype, 2)
    w = _data((filters, channels, 3, 3), dtype, 1)
    assert conv_direct.applies(filters, 12) and conv_direct.applies(channels, 12)
    y_cpu = ops.conv2d(x, w, b, padding=1, device="cpu")
    _assert_close(ops.conv2d(x, w, b, padding=1, device="cuda"), y_cpu.astype(np.float64), dtype)
    dy = _data(y_cpu.shape, dtype, 3)
    on_cpu = ops.conv2d_backward(dy, x, w, padding=1, device="cpu")
    on_gpu = ops.conv2d_backward(dy, x, w, padding=1, device="cuda")
    for actual, expected in zip(on_gpu, on_cpu):
        _assert_close(actual, expected.astype(np.float64), dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("pool, stride, pad", [(2, None, 0), (3, 2, 0), (2, 1, 0), (3, 1, 1),
                                              (3, 2, 1)])
def test_cuda_pooling_matches_reference(kind, pool, stride, pad, dtype):
    x = _data((2, 3, 5, 6), dtype, 0)
    ref_stride = pool if stride is None else stride
    kwargs = dict(pool_size=pool, stride=stride, padding=pad, device="cuda")
    y = getattr(ops, f"{kind}_pool2d")(x, **kwargs)
    _assert_close(y, getattr(ref, f"{kind}_pool2d")(x.astype(np.float64), pool, ref_stride, pad),
                  dtype)
    dy = _data(y.shape, dtype, 1)
    dx = getattr(ops, f"{kind}_pool2d_backward")(dy, x, **kwargs)
    wanted = getattr(ref, f"{kind}_pool2d_backward")(dy.astype(np.float64), x.astype(np.float64),
                                                      pool, ref_stride, pad)
    _assert_close(dx, wanted, dtype)


@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("pool, stride, pad", [(2, None, 0), (3, 1, 0), (3, 2, 1)])
def test_cuda_stochastic_pooling_equals_cpu(pool, stride, pad, training):
    x = _data((2, 2, 5, 5), np.float64, 0)
    kwargs = dict(pool_size=pool, stride=stride, padding=pad, training=training,
                  random_state=7)
    y_cpu = ops.stochastic_pool2d(x, device="cpu", **kwargs)
    y_gpu = ops.stochastic_pool2d(x, device="cuda", **kwargs)
    dy = _data(y_cpu.shape, np.float64, 1)
    dx_cpu = ops.stochastic_pool2d_backward(dy, x, device="cpu", **kwargs)
    dx_gpu = ops.stochastic_pool2d_backward(dy, x, device="cuda", **kwargs)
    if training:  # the same hash draws the same positions
        assert_array_equal(y_gpu, y_cpu)
        assert_array_equal(dx_gpu, dx_cpu)
    else:
        assert_allclose(y_gpu, y_cpu, rtol=1e-12, atol=1e-12)
        assert_allclose(dx_gpu, dx_cpu, rtol=1e-9, atol=1e-12)


def test_device_arrays_in_give_device_arrays_out():
    cuda = _cuda()
    x, w = _data((1, 2, 4, 4), np.float32, 0), _data((3, 2, 3, 3), np.float32, 1)
    y = ops.conv2d(cuda.to_device(x), cuda.to_device(w), padding=1)  # "auto" follows the input
    assert not isinstance(y, np.ndarray) and hasattr(y, "copy_to_host")
    assert y.dtype == np.float32
    assert_allclose(y.copy_to_host(), ops.conv2d(x, w, padding=1, device="cpu"), rtol=1e-5,
                    atol=1e-5)
    pooled = ops.max_pool2d(y)
    assert hasattr(pooled, "copy_to_host") and tuple(pooled.shape) == (1, 3, 2, 2)
    dx, dw, db = ops.conv2d_backward(cuda.to_device(np.ones((1, 3, 4, 4), np.float32)),
                                     cuda.to_device(x), cuda.to_device(w), padding=1)
    assert all(hasattr(a, "copy_to_host") for a in (dx, dw, db))


def test_device_arrays_on_the_cpu_raise():
    x = _cuda().to_device(np.ones((1, 1, 3, 3)))
    with pytest.raises(ValueError, match="device='cpu' was given CUDA device arrays"):
        ops.max_pool2d(x, device="cpu")


def test_gemm_with_the_gpu_tile_sizes():
    """The kernel with the tiles a GPU runs (64 x 64 x 8, 4 x 4 per thread), partial tiles
    and a split k range, against NumPy."""
    from skdeep.ops.cuda import gemm

    cuda = _cuda()
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((40, 11)), rng.standard_normal((11, 5))
    out = cuda.device_array((40, 5))
    gemm.gemm(gemm.load_rows, cuda.to_device(a), gemm.load_rows, cuda.to_device(b), out, 40, 5,
              11, tiles=gemm.GPU_TILES)
    assert_allclose(out.copy_to_host(), a @ b, rtol=1e-12, atol=1e-12)
    x, dy = rng.standard_normal((45, 3)), rng.standard_normal((45, 2))
    partials = gemm.gemm_split_k(gemm.load_transposed_ones, cuda.to_device(x), gemm.load_rows,
                                 cuda.to_device(dy), 4, 2, 45, (0,), np.float64,
                                 tiles=gemm.SIMULATOR_TILES, min_part=16)
    assert partials.shape[0] == 2  # the 45 terms were split in two parts of 32 and 13
    dw, db = cuda.device_array((3, 2)), cuda.device_array(2)
    gemm.sum_partials(partials, dw, db)
    assert_allclose(dw.copy_to_host(), x.T @ dy, rtol=1e-10)
    assert_allclose(db.copy_to_host(), dy.sum(axis=0), rtol=1e-10)
