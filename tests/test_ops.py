"""skdeep.ops against the NumPy references of tests/_reference_ops.py, and their gradients."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skdeep import ops

from . import _reference_ops as ref
from ._finite_difference import numerical_gradient

TOLERANCE = {np.float64: 1e-9, np.float32: 1e-4}

CONV_CASES = [
    # (N, C, H, W, F, KH, KW, stride, padding)
    (2, 1, 5, 5, 2, 3, 3, 1, 0),
    (2, 3, 7, 6, 4, 3, 3, 1, "same"),
    (3, 2, 8, 8, 3, 5, 5, 2, "same"),
    (1, 4, 9, 7, 5, 2, 2, 1, "same"),   # even kernel: asymmetric "same" padding
    (2, 3, 9, 9, 2, 3, 3, 2, "valid"),
    (2, 2, 6, 11, 3, 3, 2, 3, 1),
    (1, 3, 10, 10, 6, 4, 4, 3, 2),
    (4, 5, 4, 4, 7, 1, 1, 1, 0),
    (2, 2, 1, 13, 3, 1, 5, 1, "same"),  # 1-D signals: H = 1
    (2, 2, 1, 12, 3, 1, 3, 2, "valid"),
    (3, 16, 6, 6, 33, 3, 3, 1, 1),      # more channels than a vector register
    # Fewer output than input channels at stride 1: the input gradient is a convolution
    (2, 6, 7, 8, 2, 3, 3, 1, "same"),
    (2, 5, 6, 6, 3, 3, 2, 1, 0),
    (1, 4, 9, 7, 2, 2, 2, 1, "same"),
    (1, 3, 4, 4, 2, 3, 3, 1, 3),        # padding past the kernel: a crop in the transposed conv
    # up to 8, 16 and 32 filters on rows of 12+ outputs: the direct kernels (.conv_direct)
    (1, 16, 3, 12, 16, 3, 3, 1, 1),     # dx a direct convolution too (16 channels)
    (2, 3, 9, 24, 32, 3, 3, 2, "same"), # stride 2: dx by col2im
    (2, 1, 8, 12, 16, 5, 5, 1, "same"), # dx by col2im (1 channel)
    (1, 6, 5, 14, 16, 3, 3, 1, 0),      # dx a direct convolution with 6 filters
    (2, 1, 6, 13, 6, 5, 5, 1, "same"),  # LeNet-5's first layer: 6 filters, masked
    (1, 3, 5, 25, 5, 3, 3, 2, 1),
]
DIRECT_CASES = CONV_CASES[-6:]


def _data(shape, dtype, seed):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _assert_close(actual, expected, dtype):
    assert actual.dtype == dtype
    scale = max(np.abs(expected).max(), 1.0)
    assert_allclose(actual, expected, rtol=TOLERANCE[dtype], atol=TOLERANCE[dtype] * scale)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_matches_reference(case, dtype):
    n, c, h, w_, f, kh, kw, stride, padding = case
    x, w, b = _data((n, c, h, w_), dtype, 0), _data((f, c, kh, kw), dtype, 1), _data(f, dtype, 2)
    y = ops.conv2d(x, w, b, stride=stride, padding=padding)
    expected = ref.conv2d(x.astype(np.float64), w.astype(np.float64), b, stride, padding)
    assert y.shape == expected.shape
    _assert_close(y, expected, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_backward_matches_reference(case, dtype):
    n, c, h, w_, f, kh, kw, stride, padding = case
    x, w = _data((n, c, h, w_), dtype, 0), _data((f, c, kh, kw), dtype, 1)
    dy = _data(ops.conv2d(x, w, stride=stride, padding=padding).shape, dtype, 3)
    dx, dw, db = ops.conv2d_backward(dy, x, w, stride=stride, padding=padding)
    expected = ref.conv2d_backward(*(a.astype(np.float64) for a in (dy, x, w)), stride, padding)
    for actual, wanted in zip((dx, dw, db), expected):
        assert actual.shape == wanted.shape
        _assert_close(actual, wanted, dtype)


@pytest.mark.parametrize("case", [CONV_CASES[2], CONV_CASES[3], CONV_CASES[5],
                                  (1, 16, 1, 12, 16, 3, 3, 1, 1), DIRECT_CASES[3],
                                  (1, 2, 2, 12, 6, 3, 3, 1, 1)])
def test_conv2d_backward_is_the_gradient(case):
    n, c, h, w_, f, kh, kw, stride, padding = case
    x, w = _data((n, c, h, w_), np.float64, 0), _data((f, c, kh, kw), np.float64, 1)
    b = _data(f, np.float64, 2)
    y = ops.conv2d(x, w, b, stride=stride, padding=padding)
    projection = _data(y.shape, np.float64, 4)

    def objective():
        return float(np.sum(ops.conv2d(x, w, b, stride=stride, padding=padding) * projection))

    dx, dw, db = ops.conv2d_backward(projection, x, w, stride=stride, padding=padding)
    assert_allclose(dx, numerical_gradient(objective, x), rtol=1e-6, atol=1e-8)
    assert_allclose(dw, numerical_gradient(objective, w), rtol=1e-6, atol=1e-8)
    assert_allclose(db, numerical_gradient(objective, b), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CONV_CASES)
def test_cpu_im2col_conv_kernel_matches_reference(case, dtype):
    # The public op takes the pointwise path where it applies; check im2col on every case.
    from skdeep.ops.cpu import conv as _cpu
    from skdeep.ops.shapes import conv_geometry

    n, c, h, w_, f, kh, kw, stride, padding = case
    x, w, b = _data((n, c, h, w_), dtype, 0), _data((f, c, kh, kw), dtype, 1), _data(f, dtype, 2)
    x_nhwc = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    wmat = np.ascontiguousarray(w.transpose(2, 3, 1, 0)).reshape(-1, f)
    geometry = conv_geometry((h, w_), (kh, kw), (stride, stride), padding)
    y = _cpu.conv2d(x_nhwc, wmat, b, (kh, kw), (stride, stride), geometry, method="gemm")
    expected = ref.conv2d(x.astype(np.float64), w.astype(np.float64), b, stride, padding)
    _assert_close(y.transpose(0, 3, 1, 2), expected, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n, h, w_, f, kh, kw, padding", [
    (3, 7, 6, 4, 3, 3, "same"), (2, 8, 8, 6, 5, 5, 2), (20, 5, 9, 3, 2, 3, "valid"),
    (2, 1, 13, 3, 1, 5, "same"),
])
def test_one_channel_weight_gradient_matches_reference(n, h, w_, f, kh, kw, padding, dtype):
    # A first layer on grey images: one input channel, no input gradient.
    from skdeep.ops.cpu import conv as _cpu
    from skdeep.ops.shapes import conv_geometry

    x, w = _data((n, 1, h, w_), dtype, 0), _data((f, 1, kh, kw), dtype, 1)
    dy = _data(ops.conv2d(x, w, padding=padding).shape, dtype, 3)
    geometry = conv_geometry((h, w_), (kh, kw), (1, 1), padding)
    wmat = np.ascontiguousarray(w.transpose(2, 3, 1, 0)).reshape(-1, f)
    _, dwmat, db = _cpu.conv2d_backward(
        np.ascontiguousarray(dy.transpose(0, 2, 3, 1)),
        np.ascontiguousarray(x.transpose(0, 2, 3, 1)),
        wmat, (kh, kw), (1, 1), geometry, need_dx=False)
    _, dw_ref, db_ref = ref.conv2d_backward(*(a.astype(np.float64) for a in (dy, x, w)), 1, padding)
    dw = np.ascontiguousarray(dwmat.reshape(kh, kw, 1, f).transpose(3, 2, 0, 1))
    _assert_close(dw, dw_ref, dtype)
    _assert_close(db, db_ref, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n_rows", [1, 2, 3, 4, 5, 6, 13])
def test_multiply_16_matches_numpy(n_rows, dtype):
    # Every block size (6 rows, and 1-5 left over, which sum into 2 or 4 sets of
    # accumulators: 11 steps leave a rest after the groups); operands read at offsets, as
    # the convolution kernels read them.
    from skdeep.ops.cpu.narrow_gemm import multiply_16

    depth, lead = 11, 3
    a = _data((lead + n_rows * depth,), dtype, 0)
    b = _data((lead + depth * 16,), dtype, 1)
    matrix, weights = a[lead:].reshape(n_rows, depth), b[lead:].reshape(depth, 16)
    zeros = np.zeros(16, dtype=dtype)
    out = np.full(2 + n_rows * 16, 7.0, dtype=dtype)
    multiply_16(a, lead, depth, 1, 1, 0, depth, b, lead, 16, depth * 16, zeros, 0, 0, out, 2,
                16, n_rows)
    _assert_close(out[2:].reshape(n_rows, 16), matrix @ weights, dtype)
    assert np.all(out[:2] == 7.0)  # nothing written before the result

    # a transposed (a.T @ b), starting from a bias
    tall, bias = _data((depth, n_rows), dtype, 2), _data(16, dtype, 4)
    out_t = np.zeros(n_rows * 16, dtype=dtype)
    multiply_16(tall.reshape(-1), 0, 1, n_rows, 1, 0, depth, b, lead, 16, depth * 16, bias, 0,
                0, out_t, 0, 16, n_rows)
    _assert_close(out_t.reshape(n_rows, 16), bias + tall.T @ weights, dtype)

    # 16 columns of a wider result, accumulated onto what is there; a's rows read as 3
    # segments (every other run of 4 values of a wider array) and b's rows 48 apart
    wide, rows = _data((12, 48), dtype, 3), _data((n_rows, 24), dtype, 5)
    segmented = np.concatenate([rows[:, 0:4], rows[:, 8:12], rows[:, 16:20]], axis=1)
    out_w = _data((n_rows, 48), dtype, 6)
    expected = out_w.copy()
    expected[:, 16:32] += segmented @ wide[:, 16:32]
    multiply_16(rows.reshape(-1), 0, 24, 1, 3, 8, 4, wide.reshape(-1), 16, 48, 4 * 48,
                out_w.reshape(-1), 16, 48, out_w.reshape(-1), 16, 48, n_rows)
    _assert_close(out_w, expected, dtype)

    # b's rows in runs too: 3 runs of 4 rows, each run starting 7 rows after the last
    tall_b = _data((18, 48), dtype, 7)
    runs = np.concatenate([tall_b[0:4], tall_b[7:11], tall_b[14:18]])
    out_r = np.zeros((n_rows, 16), dtype=dtype)
    multiply_16(rows.reshape(-1), 0, 24, 1, 3, 8, 4, tall_b.reshape(-1), 16, 48, 7 * 48,
                zeros, 0, 0, out_r.reshape(-1), 0, 16, n_rows)
    _assert_close(out_r, segmented @ runs[:, 16:32], dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("columns", [1, 6, 8])
@pytest.mark.parametrize("n_rows", [1, 3, 12, 27])
@pytest.mark.parametrize("depth", [7, 19])
def test_multiply_8_matches_numpy(depth, n_rows, columns, dtype):
    # Blocks of 12, 8, 4, 2 and 1 rows; the small ones sum into 2, 4 or 8 sets of
    # accumulators, steps in groups and the rest alone (19 steps: both; 7: the one-row
    # block's rest alone). Fewer than 8 columns are read masked (b's last row ends the
    # array); every row gets 8 values written, zeros past ``columns``.
    from skdeep.ops.cpu.narrow_gemm import multiply_8

    a, b = _data((n_rows, depth), dtype, 0), _data((depth, columns), dtype, 1)
    bias = _data(columns, dtype, 2)
    out = np.full((n_rows, 10), 7.0, dtype=dtype)
    multiply_8(a.reshape(-1), 0, depth, 1, 1, 0, depth, b.reshape(-1), 0, columns,
               depth * columns, bias, 0, 0, out.reshape(-1), 0, 10, columns, n_rows)
    _assert_close(out[:, :columns], bias + a @ b, dtype)
    assert np.all(out[:, columns:8] == 0.0) and np.all(out[:, 8:] == 7.0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n, h, w_, c, f, k, stride, padding", [
    (5, 9, 10, 3, 16, 3, 1, 1), (3, 8, 16, 16, 32, 3, 1, "same"), (2, 17, 17, 4, 16, 3, 2, 1),
    (2, 12, 11, 2, 16, 5, 2, "valid"), (3, 9, 12, 1, 32, 3, 1, 4),  # 4 > 3: a crop
    (3, 10, 14, 1, 6, 5, 1, 2), (2, 9, 13, 3, 8, 3, 2, 1), (2, 7, 12, 4, 1, 3, 1, 1),
    # up to 8 filters on fields of 48+ values: filters as the product's rows (planar)
    (3, 10, 14, 8, 6, 3, 1, 1), (2, 8, 21, 8, 7, 3, 1, 1), (2, 9, 12, 6, 5, 3, 1, 3),
    (2, 12, 17, 16, 1, 5, 1, "valid"),
])
def test_direct_conv_kernels_are_the_im2col_kernels(n, h, w_, c, f, k, stride, padding, dtype):
    # Forward pass and weight gradient, strided and cropped geometries included.
    from skdeep.ops.cpu import conv as _cpu
    from skdeep.ops.shapes import conv_geometry

    x, wmat = _data((n, h, w_, c), dtype, 0), _data((k * k * c, f), dtype, 1)
    bias = _data(f, dtype, 2)
    geometry = conv_geometry((h, w_), (k, k), (stride, stride), padding)
    args = ((k, k), (stride, stride), geometry)
    direct = _cpu.conv2d(x, wmat, bias, *args, method="direct")
    _assert_close(direct, _cpu.conv2d(x, wmat, bias, *args, method="gemm"), dtype)
    # Strided views (a group's columns of a wider matrix, every other bias) are copied
    wide, biases = np.repeat(wmat, 2, axis=1), np.repeat(bias, 2)
    assert_allclose(_cpu.conv2d(x, wide[:, ::2], biases[::2], *args, method="direct"), direct)
    dy = _data(direct.shape, dtype, 3)
    _, dw_direct, db_direct = _cpu.conv2d_backward(dy, x, wmat, *args, need_dx=False,
                                                   method="direct")
    _, dw, db = _cpu.conv2d_backward(dy, x, wmat, *args, need_dx=False, method="gemm")
    _assert_close(dw_direct, dw, dtype)
    _assert_close(db_direct, db, dtype)


def test_conv2d_large_batch_runs_in_several_chunks():
    # Enough images that the kernel splits the batch into chunks run in parallel.
    x, w = _data((64, 8, 12, 12), np.float64, 0), _data((16, 8, 3, 3), np.float64, 1)
    y = ops.conv2d(x, w, padding=1)
    _assert_close(y[-3:], ref.conv2d(x[-3:], w, None, 1, 1), np.float64)
    dy = _data(y.shape, np.float64, 2)
    _, dw, _ = ops.conv2d_backward(dy, x, w, padding=1)
    _, dw_head, _ = ops.conv2d_backward(dy[:32], x[:32], w, padding=1)
    _, dw_tail, _ = ops.conv2d_backward(dy[32:], x[32:], w, padding=1)
    assert_allclose(dw, dw_head + dw_tail, rtol=1e-12)


POOL_CASES = [
    # (N, C, H, W, pool, stride, padding)
    (2, 3, 4, 4, 2, None, 0),
    (2, 2, 7, 5, 2, None, 0),   # odd sizes: the last row / column is dropped
    (1, 3, 7, 7, 3, 2, 0),      # overlapping windows
    (3, 1, 6, 9, 3, 3, 0),
    (2, 17, 5, 5, 2, 1, 0),
    (2, 2, 1, 10, 1, 1, 0),
    (2, 3, 5, 6, 3, 1, 1),      # GoogLeNet's pool branch: 3x3, stride 1, padding 1
    (1, 2, 7, 6, 3, 2, 1),      # overlapping, padded, stride 2
    (2, 2, 5, 5, 2, 2, 1),      # edge windows hold one pixel
]


def _pool_args(case):
    n, c, h, w, pool, stride, pad = case
    return (n, c, h, w), pool, stride, pool if stride is None else stride, pad


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", POOL_CASES)
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pooling_matches_reference(kind, case, dtype):
    shape, pool, stride, ref_stride, pad = _pool_args(case)
    x = _data(shape, dtype, 0)
    forward = getattr(ops, f"{kind}_pool2d")
    backward = getattr(ops, f"{kind}_pool2d_backward")
    y = forward(x, pool_size=pool, stride=stride, padding=pad)
    expected = getattr(ref, f"{kind}_pool2d")(x.astype(np.float64), pool, ref_stride, pad)
    assert y.shape == expected.shape
    _assert_close(y, expected, dtype)
    dy = _data(y.shape, dtype, 1)
    dx = backward(dy, x, pool_size=pool, stride=stride, padding=pad)
    wanted = getattr(ref, f"{kind}_pool2d_backward")(dy.astype(np.float64), x.astype(np.float64),
                                                      pool, ref_stride, pad)
    _assert_close(dx, wanted, dtype)


def _assert_same_max_pooling(x, out_shape, general, special):
    """Two max pooling kernels, each ``(kernel, window arguments)``, take the same values
    (NaN where NaN) and the same positions on ``x``."""
    results = []
    for kernel, window in (general, special):
        out, index = np.empty(out_shape, x.dtype), np.empty(out_shape, np.int32)
        kernel(x.reshape(-1), x.shape, *window, out.reshape(-1), out.shape, index.reshape(-1),
               0, x.shape[0])
        results.append((out, index))
    np.testing.assert_array_equal(results[0][0], results[1][0])  # NaN where NaN
    np.testing.assert_array_equal(results[0][1], results[1][1])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(3, 4, 4, 1), (2, 7, 9, 17), (2, 6, 6, 6)])
def test_2x2_max_pooling_kernel_is_the_general_kernel(shape, dtype):
    """The 2x2 / stride 2 kernel takes the same values and positions as the general one,
    ties (the first in row order) and NaN included."""
    from skdeep.ops.cpu import pool

    rng = np.random.default_rng(0)
    x = rng.integers(-2, 3, size=shape).astype(dtype)  # many equal values
    x[0, 0, 0, 0] = x[-1, 1, 1, -1] = np.nan
    out_shape = (shape[0], shape[1] // 2, shape[2] // 2, shape[3])
    _assert_same_max_pooling(x, out_shape, (pool.max_pool_forward, (2, 2, 2, 2, 0, 0)),
                             (pool.max_pool_2x2_forward, ()))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("stride, pad", [(1, 1), (2, 1), (2, 0), (3, 0)])
@pytest.mark.parametrize("shape", [(2, 3, 3, 1), (2, 7, 9, 17), (1, 6, 6, 6)])
def test_3x3_max_pooling_kernel_is_the_general_kernel(shape, stride, pad, dtype):
    """The 3x3 kernel (nine candidates in registers inside the map, the general path at the
    border) takes the same values and positions as the general one, ties and NaN
    included."""
    from skdeep.ops.cpu import pool

    rng = np.random.default_rng(1)
    x = rng.integers(-2, 3, size=shape).astype(dtype)  # many equal values
    x[0, 0, 0, 0] = x[-1, 1, 1, -1] = x[0, -1, -1, 0] = np.nan
    out_hw = [(size + 2 * pad - 3) // stride + 1 for size in shape[1:3]]
    out_shape = (shape[0], *out_hw, shape[3])
    _assert_same_max_pooling(x, out_shape,
                             (pool.max_pool_forward, (3, 3, stride, stride, pad, pad)),
                             (pool.max_pool_3x3_forward, (stride, pad)))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", POOL_CASES)
def test_stochastic_pooling_at_predict_time_is_the_weighted_average(case, dtype):
    shape, pool, stride, ref_stride, pad = _pool_args(case)
    x = _data(shape, dtype, 0)
    y = ops.stochastic_pool2d(x, pool_size=pool, stride=stride, padding=pad)
    expected = ref.stochastic_pool2d_expectation(x.astype(np.float64), pool, ref_stride, pad)
    _assert_close(y, expected, dtype)


@pytest.mark.parametrize("case", [POOL_CASES[0], POOL_CASES[2], POOL_CASES[7]])
@pytest.mark.parametrize("kind", ["max", "avg", "stochastic"])
def test_pooling_backward_is_the_gradient(kind, case):
    shape, pool, stride, _, pad = _pool_args(case)
    x = _data(shape, np.float64, 0)
    forward = getattr(ops, f"{kind}_pool2d")
    kwargs = dict(pool_size=pool, stride=stride, padding=pad)
    projection = _data(forward(x, **kwargs).shape, np.float64, 1)

    def objective():
        return float(np.sum(forward(x, **kwargs) * projection))

    dx = getattr(ops, f"{kind}_pool2d_backward")(projection, x, **kwargs)
    assert_allclose(dx, numerical_gradient(objective, x), rtol=1e-6, atol=1e-8)


def test_stochastic_pooling_training_draws_in_proportion_to_activations():
    # One 1x2 window holding activations 1 and 3 in 20,000 images: the 3 wins 3/4 of the time.
    n = 20_000
    x = np.tile(np.array([1.0, 3.0]).reshape(1, 1, 1, 2), (n, 1, 1, 1))
    y = ops.stochastic_pool2d(x, pool_size=(1, 2), training=True, random_state=5)
    assert set(np.unique(y)) == {1.0, 3.0}
    share = np.mean(y == 3.0)
    assert abs(share - 0.75) < 4 * np.sqrt(0.75 * 0.25 / n)


def test_stochastic_pooling_training_ignores_non_positive_activations():
    x = np.array([[[[-2.0, 0.0], [5.0, -1.0]], [[-1.0, -3.0], [0.0, -2.0]]]])  # (1, 2, 2, 2)
    y = ops.stochastic_pool2d(x, pool_size=2, training=True, random_state=0)
    assert_allclose(y.ravel(), [5.0, 0.0])
    dx = ops.stochastic_pool2d_backward(np.ones_like(y), x, pool_size=2, training=True,
                                        random_state=0)
    assert_allclose(dx[0, 0], [[0.0, 0.0], [1.0, 0.0]])
    assert_allclose(dx[0, 1], 0.0)


def test_stochastic_pooling_training_is_reproducible_and_routes_gradient_to_the_draw():
    x = np.abs(_data((3, 4, 6, 6), np.float64, 0))
    y1 = ops.stochastic_pool2d(x, training=True, random_state=11)
    y2 = ops.stochastic_pool2d(x, training=True, random_state=11)
    y3 = ops.stochastic_pool2d(x, training=True, random_state=12)
    assert_allclose(y1, y2)
    assert not np.allclose(y1, y3)
    dy = _data(y1.shape, np.float64, 1)
    dx = ops.stochastic_pool2d_backward(dy, x, training=True, random_state=11)
    # Every drawn value sits in its window, and the gradient lands where it was drawn.
    for n, c, i, j in np.ndindex(*y1.shape):
        window = x[n, c, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
        grads = dx[n, c, 2 * i:2 * i + 2, 2 * j:2 * j + 2]
        assert y1[n, c, i, j] in window
        assert_allclose(grads[window == y1[n, c, i, j]].sum(), dy[n, c, i, j])
        assert np.count_nonzero(grads) == 1


def test_stochastic_pooling_training_needs_an_int_seed():
    with pytest.raises(ValueError, match="random_state"):
        ops.stochastic_pool2d(np.ones((1, 1, 2, 2)), training=True)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: ops.conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 5, 5))),
         "kernel_size 5x5 is larger"),
        (lambda: ops.conv2d(np.ones((1, 2, 3, 3)), np.ones((1, 1, 3, 3))), "input channels"),
        (lambda: ops.conv2d(np.ones((1, 3, 3)), np.ones((1, 1, 3, 3))), "x must be 4-D"),
        (lambda: ops.conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), padding="full"),
         "padding"),
        (lambda: ops.conv2d(np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), stride=0), "stride"),
        (lambda: ops.max_pool2d(np.ones((1, 1, 3, 3)), pool_size=4), "pool_size 4x4 is larger"),
        (lambda: ops.max_pool2d(np.ones((1, 1, 3, 3)), padding=2), "more than half the window"),
        (lambda: ops.avg_pool2d(np.ones((1, 1, 3, 3)), padding=-1), "padding must be a non-neg"),
        (lambda: ops.avg_pool2d(np.ones((1, 1, 3, 3)), device="tpu"), "device"),
        (lambda: ops.conv2d_backward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)),
                                     np.ones((1, 1, 3, 3)), padding=1), "dy must have shape"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("need_dx", [True, False])
def test_pointwise_conv_is_the_im2col_conv(dtype, need_dx):
    # 1x1, stride 1, unpadded convolutions skip the unfolding: one matrix product.
    from skdeep.ops.cpu import conv as _cpu
    from skdeep.ops.shapes import conv_geometry

    x, w, b = _data((3, 5, 4, 6), dtype, 0), _data((6, 7), dtype, 1), _data(7, dtype, 2)
    dy = _data((3, 5, 4, 7), dtype, 3)
    geometry = conv_geometry((5, 4), (1, 1), (1, 1), "same")
    args = ((1, 1), (1, 1), geometry)
    assert _cpu._is_pointwise(x, *args)
    assert not _cpu._is_pointwise(x, (1, 1), (2, 2), conv_geometry((5, 4), (1, 1), (2, 2), 0))
    _assert_close(_cpu.conv2d(x, w, b, *args, method="pointwise"),
                  _cpu.conv2d(x, w, b, *args, method="gemm").astype(np.float64), dtype)
    fast = _cpu.conv2d_backward(dy, x, w, *args, need_dx=need_dx, method="pointwise")
    slow = _cpu.conv2d_backward(dy, x, w, *args, need_dx=need_dx, method="gemm")
    for a, e in zip(fast, slow):
        if e is None:
            assert a is None
        else:
            _assert_close(a, e.astype(np.float64), dtype)
