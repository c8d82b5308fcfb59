"""The public kernels check their arguments once, before any kernel runs: each bad input
raises a ValueError or TypeError naming the argument; any good one matches the NumPy
reference (property-based over random shapes with hypothesis)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from skdeep import ops

from . import _reference_ops as ref

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 3, 6, 6))
W = RNG.standard_normal((4, 3, 3, 3))
B = RNG.standard_normal(4)


@pytest.mark.parametrize("call, match", [
    (lambda: ops.conv2d(X, W, np.zeros(3)), r"b must have shape \(4,\)"),
    (lambda: ops.conv2d(X, W, np.zeros((4, 1))), r"b must have shape \(4,\)"),
    (lambda: ops.conv2d(X[0], W), r"x must be 4-D"),
    (lambda: ops.conv2d(X, W[0]), r"w must be 4-D"),
    (lambda: ops.conv2d(X, W[:, :2]), r"w must have x's 3 input channels"),
    (lambda: ops.conv2d(X, W, stride=0), r"stride must be a positive int"),
    (lambda: ops.conv2d(X, W, padding=-1), r"padding must be"),
    (lambda: ops.conv2d(X, W, padding="full"), r"padding must be"),
    (lambda: ops.conv2d(X, np.zeros((4, 3, 9, 9)), padding=1), r"larger than the padded input"),
    (lambda: ops.conv2d_backward(np.zeros((2, 4, 5, 5)), X, W, padding=1), r"dy must have shape"),
    (lambda: ops.conv2d_backward(np.zeros((2, 4, 6)), X, W, padding=1), r"dy must be 4-D"),
    (lambda: ops.max_pool2d(X, pool_size=0), r"pool_size must be a positive int"),
    (lambda: ops.max_pool2d(X, pool_size=7), r"pool_size 7x7 is larger than its input"),
    (lambda: ops.avg_pool2d(X, stride=0), r"stride must be a positive int"),
    (lambda: ops.avg_pool2d(X[0]), r"x must be 4-D"),
    (lambda: ops.max_pool2d_backward(np.zeros((2, 3, 2, 3)), X), r"dy must have shape"),
    (lambda: ops.avg_pool2d_backward(np.zeros((2, 3, 3, 3)), X, stride=1),
     r"dy must have shape \(2, 3, 5, 5\)"),
    (lambda: ops.stochastic_pool2d_backward(np.zeros((1, 3, 3, 3)), X), r"dy must have shape"),
])
def test_bad_arguments_raise_a_value_error_naming_them(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("name, array", [
    ("x", X + 1j), ("w", W.astype(np.complex64)), ("b", B.astype(complex)),
    ("x", X.astype(str)), ("w", W.astype(object)),
])
def test_complex_and_non_numeric_dtypes_raise_a_type_error_naming_the_argument(name, array):
    args = {"x": X, "w": W, "b": B, name: array}
    with pytest.raises(TypeError, match=f"^{name} must"):
        ops.conv2d(args["x"], args["w"], args["b"])


def test_pooling_rejects_complex_input():
    with pytest.raises(TypeError, match="x must be real"):
        ops.max_pool2d(X.astype(complex))


def test_integer_and_list_inputs_compute_in_float64():
    y = ops.conv2d(X.round().astype(int).tolist(), W.round().astype(np.int32), [1, 2, 3, 4])
    assert y.dtype == np.float64
    assert_allclose(y, ref.conv2d(X.round(), W.round(), np.arange(1.0, 5.0), 1, 0))


@st.composite
def _conv_problem(draw):
    n, c, f = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 5))
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    kh, kw = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    stride = draw(st.integers(1, 3))
    padding = draw(st.one_of(st.sampled_from(["same", "valid"]), st.integers(0, 2)))
    with_bias = draw(st.booleans())
    return (n, c, h, w), (f, c, kh, kw), stride, padding, with_bias


def _out_size(size, kernel, stride, padding):
    if padding == "same":
        return -(-size // stride)
    pad = 0 if padding == "valid" else padding
    return (size + 2 * pad - kernel) // stride + 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_conv_problem(), st.sampled_from([np.float64, np.float32]))
def test_conv2d_equals_the_reference_or_raises_a_clear_error(problem, dtype):
    x_shape, w_shape, stride, padding, with_bias = problem
    rng = np.random.default_rng(1)
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal(w_shape).astype(dtype)
    b = rng.standard_normal(w_shape[0]).astype(dtype) if with_bias else None
    fits = all(_out_size(s, k, stride, padding) >= 1
               for s, k in zip(x_shape[2:], w_shape[2:]))
    if not fits:
        with pytest.raises(ValueError, match="larger than the padded input"):
            ops.conv2d(x, w, b, stride=stride, padding=padding)
        return
    y = ops.conv2d(x, w, b, stride=stride, padding=padding)
    tol = 1e-9 if dtype == np.float64 else 1e-4
    expected = ref.conv2d(x.astype(float), w.astype(float),
                          np.zeros(w_shape[0]) if b is None else b.astype(float), stride, padding)
    assert y.dtype == dtype
    assert_allclose(y, expected, rtol=tol, atol=tol)
    dy = rng.standard_normal(y.shape).astype(dtype)
    for got, want in zip(ops.conv2d_backward(dy, x, w, stride=stride, padding=padding),
                         ref.conv2d_backward(dy.astype(float), x.astype(float),
                                             w.astype(float), stride, padding)):
        assert_allclose(got, want, rtol=tol, atol=tol * 10)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 8), st.integers(1, 8),
       st.integers(1, 4), st.one_of(st.none(), st.integers(1, 3)),
       st.sampled_from(["max", "avg"]))
def test_pooling_equals_the_reference_or_raises_a_clear_error(n, c, h, w, pool, stride, kind):
    x = np.random.default_rng(2).standard_normal((n, c, h, w))
    forward = getattr(ops, f"{kind}_pool2d")
    if pool > min(h, w):
        with pytest.raises(ValueError, match="pool_size"):
            forward(x, pool_size=pool, stride=stride)
        return
    step = pool if stride is None else stride
    y = forward(x, pool_size=pool, stride=stride)
    assert_allclose(y, getattr(ref, f"{kind}_pool2d")(x, pool, step), rtol=1e-12)
    dy = np.random.default_rng(3).standard_normal(y.shape)
    dx = getattr(ops, f"{kind}_pool2d_backward")(dy, x, pool_size=pool, stride=stride)
    assert_allclose(dx, getattr(ref, f"{kind}_pool2d_backward")(dy, x, pool, step),
                    rtol=1e-12, atol=1e-12)
