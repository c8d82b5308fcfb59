"""CPU kernels over ranges of items on the kernel workers: same results for any split."""

import numpy as np
import pytest
from numba import njit

from skdeep import CNNClassifier
from skdeep.ops.cpu import threads


@njit(nogil=True)
def _squares(x, out, first, stop):
    for i in range(first, stop):
        out[i] = x[i] * x[i]


@njit(nogil=True)
def _fails_past(limit, x, first, stop):
    for i in range(first, stop):
        if i >= limit:
            raise ValueError("item past the limit")


def test_range_bounds_cover_every_item_once():
    for n_items in range(0, 20):
        for parts in range(1, 6):
            bounds = threads.range_bounds(n_items, parts)
            assert bounds[0] == 0 and bounds[-1] == n_items
            assert all(a <= b for a, b in zip(bounds, bounds[1:]))
            assert len(bounds) == parts + 1


@pytest.mark.parametrize("n_items", [1, 2, 3, 7, 100])
def test_over_ranges_covers_every_item_inside_kernel_threads(monkeypatch, n_items):
    monkeypatch.setattr(threads, "MIN_VALUES_PER_THREAD", 1)  # split even tiny arrays
    x = np.arange(n_items, dtype=np.float64)
    out = np.full(n_items, np.nan)
    with threads.kernel_threads():
        threads.over_ranges(_squares, n_items, x, out)
    np.testing.assert_array_equal(out, x * x)


@njit(nogil=True)
def _sum_through_buffer(x, out, buffer, first, stop):
    """Each range writes its items through its own scratch buffer (item 0 of it)."""
    for i in range(first, stop):
        buffer[0] = x[i]
        out[i] = buffer[0] + 1.0


@pytest.mark.parametrize("cores", [1, 3])
def test_each_range_gets_its_own_scratch_buffers(monkeypatch, cores):
    monkeypatch.setattr(threads, "MIN_VALUES_PER_THREAD", 1)
    monkeypatch.setattr(threads.numba, "get_num_threads", lambda: cores)
    made = []

    def scratch():
        made.append(np.empty(1))
        return (made[-1],)

    x = np.arange(9, dtype=np.float64)
    out = np.full(9, np.nan)
    with threads.kernel_threads():
        threads.over_ranges(_sum_through_buffer, 9, x, out, scratch=scratch)
    np.testing.assert_array_equal(out, x + 1.0)
    assert len(made) == cores  # one set of buffers per range, none shared between threads


def test_an_error_in_a_worker_reaches_the_caller(monkeypatch):
    monkeypatch.setattr(threads, "MIN_VALUES_PER_THREAD", 1)
    monkeypatch.setattr(threads.numba, "get_num_threads", lambda: 4)
    with threads.kernel_threads(), pytest.raises(ValueError, match="past the limit"):
        threads.over_ranges(_fails_past, 8, 6, np.zeros(8))  # only the last range fails


NETWORKS = [
    dict(filters=(4, 32), batch_norm=True, pooling="stochastic", augment="shift_flip"),
    # 1x1 convolutions (row blocks), a stride-1 layer with fewer output than input channels
    # (input gradient as a convolution), batch norm + ReLU fused, max pooling with padding,
    # a concatenation and a residual addition
    dict(architecture=[("conv", 8, 3), "bn", "relu", ("conv", 6, 1), "bn", "relu",
                       ("concat", [], [("conv", 4, 1)]), ("conv", 3, 3),
                       ("residual", [("conv", 3, 3)]), ("maxpool", 3, 2, 1), "relu", "gap"],
         hidden_layer_sizes=(5,)),
]


def _fit(X, y, params):
    return CNNClassifier(max_iter=2, batch_size=32, random_state=0, **params).fit(X, y)


@pytest.mark.parametrize("params", NETWORKS)
def test_a_cnn_fit_is_bit_identical_whether_kernels_split_or_not(monkeypatch, params):
    # Splitting work over threads must not change a single bit: every kernel writes
    # disjoint outputs per item and sums per-chunk partial results in chunk order.
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((64, 2, 9, 9)).astype(np.float32), np.arange(64) % 3
    monkeypatch.setattr(threads, "MIN_VALUES_PER_THREAD", 10**12)  # never split
    whole = _fit(X, y, params)
    monkeypatch.setattr(threads, "MIN_VALUES_PER_THREAD", 1)  # split everything
    monkeypatch.setattr(threads.numba, "get_num_threads", lambda: 3)
    split = _fit(X, y, params)
    for a, b in zip(whole.coefs_ + whole.intercepts_, split.coefs_ + split.intercepts_):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(whole.predict_proba(X), split.predict_proba(X))


def test_large_dense_products_are_the_same_on_any_number_of_threads(monkeypatch):
    # Where kernels own the cores a large product runs as two halves of its columns, one
    # per core; the halves are fixed, so the bits do not depend on the number of cores.
    from skdeep.ops.cpu import dense

    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((64, 300)), rng.standard_normal((300, 251))
    monkeypatch.setattr(threads, "MIN_VALUES_PER_THREAD", 1)
    monkeypatch.setattr(dense, "MIN_SPLIT_PRODUCT", 1)
    results = []
    for cores in (1, 2, 3):
        monkeypatch.setattr(threads.numba, "get_num_threads", lambda cores=cores: cores)
        with threads.kernel_threads():
            results.append(dense.matmul(x, w))
            out = np.full((64, 251), np.nan)
            assert dense.matmul(x, w, out=out) is out
            np.testing.assert_array_equal(out, results[-1])
    for result in results[1:]:
        np.testing.assert_array_equal(result, results[0])
    np.testing.assert_allclose(results[0], x @ w, rtol=1e-12)


def _split_everything(monkeypatch, cores):
    """Split even tiny arrays, over ``cores`` ranges."""
    monkeypatch.setattr(threads, "MIN_VALUES_PER_THREAD", 1)
    monkeypatch.setattr(threads.numba, "get_num_threads", lambda: cores)


def _split_squares(n, out=None):
    """``out`` (new when None) filled with the squares of ``arange(n)`` by a split call."""
    x = np.arange(n, dtype=np.float64)
    out = np.full(n, np.nan) if out is None else out
    with threads.kernel_threads():
        threads.over_ranges(_squares, n, x, out)
    return out


@njit(nogil=True)
def _fails_before(limit, x, first, stop):
    for i in range(first, stop):
        if i < limit:
            raise ValueError("item before the limit")
        x[i] = 1.0


def test_an_error_in_the_calling_threads_range_waits_for_the_workers(monkeypatch):
    _split_everything(monkeypatch, 2)
    x = np.zeros(8)
    with threads.kernel_threads(), pytest.raises(ValueError, match="before the limit"):
        threads.over_ranges(_fails_before, 8, 1, x)
    np.testing.assert_array_equal(x[4:], 1.0)  # the worker's range ran to its end
    with threads.kernel_threads():  # and the workers take the next call
        threads.over_ranges(_fails_before, 8, 0, x)
    np.testing.assert_array_equal(x, 1.0)


def test_workers_that_went_to_sleep_wake_for_the_next_range(monkeypatch):
    from skdeep.ops.cpu import workers

    _split_everything(monkeypatch, 3)
    monkeypatch.setattr(workers, "IDLE_SPIN_LOADS", 1)  # sleep at once after each range
    monkeypatch.setattr(workers, "WAIT_SPIN_LOADS", 1)
    x = np.arange(30, dtype=np.float64)
    for _ in range(20):
        np.testing.assert_array_equal(_split_squares(30), x * x)


def test_threads_calling_at_once_each_get_their_whole_result(monkeypatch):
    # One caller at a time uses the workers; another runs its whole range itself.
    import concurrent.futures

    _split_everything(monkeypatch, 2)
    x = np.arange(5000, dtype=np.float64)

    def squares(_):
        out = np.full(5000, np.nan)
        for _ in range(20):
            _split_squares(5000, out)
        return out

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        for out in pool.map(squares, range(8)):
            np.testing.assert_array_equal(out, x * x)


def test_a_forked_child_starts_workers_of_its_own(monkeypatch):
    import multiprocessing

    _split_everything(monkeypatch, 2)
    expected = _split_squares(1000)  # the parent's workers exist
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:  # the child splits too (it inherits the settings)
        result = pool.apply_async(_split_squares, (1000,)).get(timeout=60)
    np.testing.assert_array_equal(expected, np.arange(1000.0) ** 2)
    np.testing.assert_array_equal(result, expected)


def test_workers_hold_no_arrays_after_their_range(monkeypatch):
    import gc
    import weakref

    _split_everything(monkeypatch, 2)
    out = _split_squares(100)
    gone = weakref.ref(out)
    del out
    gc.collect()
    assert gone() is None
